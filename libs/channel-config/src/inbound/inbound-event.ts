import type { Attachment, MessageStatus } from '@smsgate/contracts';
import type { Detail } from '../outbound/channel-adapter';

/** The channel a provider's request came in on, as a type's inbound readers need it. */
export interface InboundChannel {
  id: string;
  /** Reads local numbers; null when the channel has none. */
  country: string | null;
}

/** A message a provider delivered to us, read and normalised by its channel type. */
export interface InboundText {
  /** E.164 or a short code. */
  from: string;
  /** The number written to, when the provider says (else the channel's address). */
  to?: string;
  text: string;
  sentAt?: Date;
  providerMessageId?: string;
  metadata?: Record<string, string>;
  /** Files the sender sent (an MMS), by URL; absent for none. */
  attachments?: Attachment[];
}

/**
 * A provider's report on a message we sent. With our message id it is a status of that message;
 * with only the provider's id, a receipt that dlr-tracker matches to the message it was sent as.
 */
export type ProviderReport = {
  /** The same for a repeated report, so it applies once. */
  eventId: string;
  status: MessageStatus;
  detail: Detail;
  at: Date;
} & (
  | { messageId: string; providerMessageId?: string }
  | { messageId?: undefined; providerMessageId: string }
);

/** The longest provider message id events carry (their contracts' limit). */
export const MAX_PROVIDER_ID = 128;

/** Why a provider's id for a message cannot be carried (longer than events take), or undefined. */
export const providerIdProblem = (field: string, id: string | undefined): string | undefined =>
  id !== undefined && id.length > MAX_PROVIDER_ID
    ? `'${field}' is longer than ${MAX_PROVIDER_ID} characters`
    : undefined;

/** Why a request was refused: `unknown` when it names something the channel does not have (a 404). */
export interface Refusal {
  ok: false;
  reason: string;
  unknown?: true;
}
