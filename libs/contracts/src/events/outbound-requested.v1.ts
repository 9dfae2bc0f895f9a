import { z } from 'zod';
import { Id, MessageStatus, Metadata, Priority, Timestamp } from './common';
import { isStorable, StoredText, UNSTORABLE_REASON } from './storable';

/** The longest text one send request may carry (after `$(variable)` substitution). */
export const MAX_OUTBOUND_TEXT = 10_000;

/**
 * A request to send one SMS, produced by internal apps or by ingress's send API. Keyed by `id`
 * when given. Without `id`, the consumer assigns a UUIDv7; without `channel`, routing decides.
 */
export const OutboundRequestedV1 = z.object({
  id: Id.optional(),
  workspace: Id,
  channel: Id.optional(),
  to: StoredText.min(1).max(32),
  from: StoredText.min(1).max(32).optional(),
  text: StoredText.min(1).max(MAX_OUTBOUND_TEXT),
  correlationId: StoredText.min(1).max(128).optional(),
  // A refinement, not a pattern: a pattern would replace `format: uri` in the JSON Schema.
  notifyUrl: z
    .url({ protocol: /^https?$/ })
    .refine(isStorable, UNSTORABLE_REASON)
    .optional(),
  /**
   * The body shape of status callbacks to `notifyUrl`: smsgate's own (default), or IMIconnect's
   * `deliveryInfoNotification` for requests that came in through the IMIconnect-compatible API.
   */
  notifyFormat: z.enum(['smsgate', 'imiconnect']).optional(),
  /**
   * The statuses that are called back to `notifyUrl` (Kannel's dlr-mask, Jasmin's dlr-level): e.g.
   * only the final ones. Without it, every change is.
   */
  notifyOn: z.array(MessageStatus).min(1).max(16).optional(),
  /** Echoed in every status callback (IMIconnect's `notifydata` / `callbackData`). */
  callbackData: StoredText.max(1_024).optional(),
  expiresAt: Timestamp.optional(),
  priority: Priority.default('normal'),
  metadata: Metadata.optional(),
});
export type OutboundRequestedV1 = z.infer<typeof OutboundRequestedV1>;
