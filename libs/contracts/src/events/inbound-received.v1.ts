import { z } from 'zod';
import { StoredText } from './storable';
import { Attachments, ChannelType, Id, Metadata, Timestamp } from './common';

/** An inbound (MO) message accepted by ingress. Keyed by channel. */
export const InboundReceivedV1 = z.object({
  /** Our message id (UUIDv7); applying the same id twice changes nothing. */
  id: Id,
  workspace: Id,
  channel: Id,
  channelType: ChannelType,
  /** Sender: E.164 with plus, or a short code's digits. */
  from: StoredText.min(1).max(32),
  /** The channel address the message was sent to, when known. */
  to: StoredText.min(1).max(32).optional(),
  text: StoredText.max(20_000),
  /** When ingress accepted it. */
  receivedAt: Timestamp,
  /** When the provider says it was sent, if it told us. */
  sentAt: Timestamp.optional(),
  providerMessageId: StoredText.min(1).max(128).optional(),
  metadata: Metadata.optional(),
  /** Files the sender sent (an MMS, a template channel's `file` event), by URL. */
  attachments: Attachments.optional(),
});
export type InboundReceivedV1 = z.infer<typeof InboundReceivedV1>;
