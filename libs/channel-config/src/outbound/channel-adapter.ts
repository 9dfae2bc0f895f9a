import type { Attachment, ChannelType } from '@smsgate/contracts';
import type { HttpClient } from '@smsgate/egress';
import { toNoPlus } from '@smsgate/sms';

/** One outbound message, as resolved by the dispatcher (routing done, `from` chosen). */
export interface OutboundMessage {
  id: string;
  /** E.164, with the plus. */
  to: string;
  /** Sender: the channel's number or sender id, as the provider expects it. */
  from: string;
  text: string;
  /** The channel's uuid. */
  channel: string;
  /**
   * Requests of a split text the provider already took, on an earlier attempt on this channel: the
   * adapter sends from the next one (one send per part, whatever failed after them).
   */
  partsDelivered?: number;
  /** The request's priority, for providers that take one (the dispatcher also orders by it). */
  priority?: 'high' | 'normal' | 'bulk';
  /** ISO 8601: the provider should not deliver it after this (the dispatcher drops it once past). */
  expiresAt?: string;
  /** Short answers to show with the message, by the types that can (see `showsQuickReplies`). */
  quickReplies?: readonly string[];
  /** Files sent with the text, by URL (the dispatcher routes only to channels that carry them). */
  attachments?: readonly Attachment[];
}

export interface AdapterChannel {
  id: string;
  address: string | null;
  /** The channel's non-secret config, exactly as stored; each adapter parses its own. */
  config: unknown;
  /** The decrypted secrets. Adapters put them in requests only, never in results or errors. */
  secrets: Record<string, string>;
}

/** The sender a message goes out from: its own, else the channel's address. */
export const senderOf = (message: OutboundMessage, channel: AdapterChannel): string =>
  message.from || channel.address || '';

/** The addresses as the HTTP types' variables name them (RapidPro's courier and Ringotel alike). */
export function addressVariables(message: OutboundMessage, channel: AdapterChannel) {
  const from = senderOf(message, channel);
  return {
    to: message.to,
    to_no_plus: toNoPlus(message.to),
    from,
    from_no_plus: toNoPlus(from),
    channel: message.channel,
  };
}

export type Detail = Record<string, string | number | boolean | null>;

export type SendResult =
  | {
      kind: 'accepted';
      status: 'wired' | 'sent';
      /** In part order; empty when the provider answers without an id. */
      providerMessageIds: string[];
      /**
       * Each id with the part it belongs to (0-based, of all `parts`), where an adapter sends parts that
       * may be resumed or answered without an id: the ids of `providerMessageIds` then need not be parts 0…n.
       */
      partIds?: { part: number; id: string }[];
      /** Provider requests the text went out as (more than one only when an adapter splits). */
      parts: number;
      detail?: Detail;
    }
  /** Transport errors, timeouts, 5xx, 408 and 429: sending again later may work. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number; detail?: Detail }
  /** Other 4xx, a failed response check, a provider error code, a refused destination, bad config. */
  | { kind: 'failed'; reason: string; detail?: Detail };

export const invalidConfig = (problems: readonly string[]): SendResult => ({
  kind: 'failed',
  reason: `invalid channel config: ${problems.join('; ')}`,
});

/** Sends a channel type's messages to its HTTP aggregator; `smpp` channels go through smpp-binds instead. */
export interface ChannelAdapter {
  readonly type: ChannelType;
  send(message: OutboundMessage, channel: AdapterChannel, http: HttpClient): Promise<SendResult>;
}

export interface AdapterOptions {
  /** Per request, connection to last byte. */
  timeoutMs?: number;
  /** Ingress's public base URL: where providers' reports come back when a channel names no other. */
  ingressPublicUrl?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Every request to an aggregator names what it carries, for the aggregator to deduplicate on (see
 * docs/delivery-guarantees.md): our message id, the same in every retry and replay of the message, and
 * the part as `<index>/<count>` (1-based; `1/1` when the text goes in one request). A channel's own
 * headers cannot replace them.
 */
export const MESSAGE_ID_HEADER = 'X-Smsgate-Message-Id';
export const PART_HEADER = 'X-Smsgate-Part';

export const dedupeHeaders = (messageId: string, index = 0, count = 1): Record<string, string> => ({
  [MESSAGE_ID_HEADER]: messageId,
  [PART_HEADER]: `${index + 1}/${count}`,
});

/** `query` added to the URL's own query, or as its query when it has none. */
export const withQuery = (url: string, query: string): string =>
  `${url}${url.includes('?') ? '&' : '?'}${query}`;
