import { z } from 'zod';
import { StoredText } from './storable';
import { Detail, Id, MessageStatus, Timestamp } from './common';

/**
 * A dispatch result for one outbound message (or one part of it), from the service that knows our
 * message id: dispatcher, smpp-binds, or ingress for callbacks that carry our id. Receipts that carry
 * only a provider's id go to `sms.outbound.receipt.v1`; a receipt whose message the publisher knows
 * (smpp-binds, for parts it submitted) comes here, behind the message's `sent`, with `detail.by` set
 * to RECEIPT_SOURCE. Keyed by `id`.
 */
export const OutboundStatusV1 = z.object({
  /** This event's own id, for idempotent application. */
  eventId: Id,
  /** The message the status belongs to. */
  id: Id,
  workspace: Id,
  /** Absent when no channel was chosen (no route, expired before routing). */
  channel: Id.optional(),
  status: MessageStatus,
  part: z.object({ index: z.int().min(0), count: z.int().min(1) }).optional(),
  providerMessageId: StoredText.min(1).max(128).optional(),
  /** Dispatch attempt that produced this result (1 = first). */
  attempt: z.int().min(1).optional(),
  detail: Detail.optional(),
  at: Timestamp,
});
export type OutboundStatusV1 = z.infer<typeof OutboundStatusV1>;

/** `detail.by` of a status event that is a provider's receipt (kept in history as source `receipt`). */
export const RECEIPT_SOURCE = 'receipt';
