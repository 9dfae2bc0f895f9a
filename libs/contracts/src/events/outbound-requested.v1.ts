import { z } from 'zod';
import { Attachments, Id, MessageStatus, Metadata, Priority, Timestamp } from './common';
import { isStorable, StoredText, UNSTORABLE_REASON } from './storable';

/** The longest text one send request may carry (after `$(variable)` substitution). */
export const MAX_OUTBOUND_TEXT = 10_000;

/** RapidPro's limits on a message's quick replies (goflow: 10 per message, 64 characters each). */
export const MAX_QUICK_REPLIES = 10;
export const MAX_QUICK_REPLY_LENGTH = 64;

/** Quick replies: short answers a channel that can shows with the message (RapidPro's `quick_replies`). */
export const QuickReplies = z
  .array(
    StoredText
      // Characters as RapidPro counts them (code points); the JSON Schema gets the UTF-16 bound.
      .max(MAX_QUICK_REPLY_LENGTH * 2, `must be at most ${MAX_QUICK_REPLY_LENGTH} characters`)
      .refine((reply) => [...reply].length <= MAX_QUICK_REPLY_LENGTH, {
        message: `must be at most ${MAX_QUICK_REPLY_LENGTH} characters`,
      })
      .refine((reply) => reply.trim() !== '', 'must not be blank'),
  )
  .min(1, 'must hold at least one quick reply (leave it out for none)')
  .max(MAX_QUICK_REPLIES, `must hold at most ${MAX_QUICK_REPLIES} quick replies`);

/**
 * A request to send one SMS, produced by internal apps or by ingress's send API. Keyed by `id`
 * when given. Without `id`, the consumer assigns a UUIDv7; without `channel`, routing decides.
 */
export const OutboundRequestedV1 = z
  .object({
    id: Id.optional(),
    workspace: Id,
    channel: Id.optional(),
    to: StoredText.min(1).max(32),
    from: StoredText.min(1).max(32).optional(),
    /** Empty only when the message carries attachments. */
    text: StoredText.max(MAX_OUTBOUND_TEXT).default(''),
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
    /**
     * Added to v1 as an optional field: a consumer that predates it sends the text alone. Rendered by `ex`
     * channels whose config uses `{{quick_replies}}`, on the last request of a split text, as courier does.
     */
    quickReplies: QuickReplies.optional(),
    /**
     * Files sent with the text (or alone), by URL. Added to v1 as an optional field: a message that has
     * no text is refused (dead-lettered) by a consumer that predates it, so it cannot go out as an empty
     * SMS; upgrade dispatchers and smpp-binds before producers send attachments (docs/topics.md).
     */
    attachments: Attachments.optional(),
  })
  .refine((message) => message.text !== '' || message.attachments !== undefined, {
    path: ['text'],
    message: 'give a text, attachments, or both',
  });
export type OutboundRequestedV1 = z.infer<typeof OutboundRequestedV1>;
