import { z } from 'zod';
import { isStorable, StoredText, UNSTORABLE_REASON } from './storable';

/**
 * The channel types' names, the one list of them (published in events, so only ever appended to). Each
 * has its folder in libs/channel-config/src/types/ and a line in its registry: see docs/channel-types.md.
 */
export const ChannelType = z.enum(['ex', 'imi', 'template', 'smpp', 'ucp', 'cimd2']);
export type ChannelType = z.infer<typeof ChannelType>;

export const Direction = z.enum(['in', 'out']);
export type Direction = z.infer<typeof Direction>;

/**
 * Every state a message can be in; see dlr-tracker for the allowed transitions. Values are only ever
 * appended, never renamed or removed (a reader of these topics meets every value ever published).
 * `unknown`: handed to the provider, but no final report came within the channel's receipt timeout;
 * a final report that arrives later still replaces it.
 */
export const MessageStatus = z.enum([
  'received',
  'accepted',
  'queued',
  'wired',
  'sent',
  'delivered',
  'failed',
  'expired',
  'rejected',
  'errored',
  'no_route',
  'unknown',
]);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Priority = z.enum(['high', 'normal', 'bulk']);

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the instants an ISO date-time with a 4-digit year names. */
const FIRST_INSTANT = -62_135_596_800_000;
const END_INSTANT = 253_402_300_800_000;
const OFFSET = /([+-])(\d{2}):?\d{2}$/;

/**
 * An instant PostgreSQL stores and we print back alike: a 4-digit year once in UTC (a date in year
 * 9999 with a negative offset is in year 10000, which toISOString cannot print in 4 digits), and an
 * offset within ±15:59 (PostgreSQL refuses larger ones).
 */
export const isStorableInstant = (value: string): boolean => {
  const offset = OFFSET.exec(value);
  if (offset && Number(offset[2]) > 15) return false;
  const ms = Date.parse(value);
  return ms >= FIRST_INSTANT && ms < END_INSTANT;
};

export const Timestamp = z.iso
  .datetime({ offset: true })
  .refine(isStorableInstant, 'must be within years 0001 to 9999 (UTC), with an offset of at most ±15:59');
export const Id = z.uuid();
/** Free-form detail (provider codes, SMSC stat/err, reasons): flat and JSON-friendly. */
export const Detail = z.record(StoredText, z.union([StoredText, z.number(), z.boolean(), z.null()]));
export const Metadata = z.record(StoredText.max(64), StoredText.max(1024));

/** The most files one message may carry. */
export const MAX_ATTACHMENTS = 10;

/**
 * A file a message carries, by URL: the provider (or the recipient's phone) fetches it, smsgate never
 * does. `contentType` and `size` are the sender's word, passed on where a provider takes them.
 */
export const Attachment = z.object({
  // A refinement, not a pattern: a pattern would replace `format: uri` in the JSON Schema.
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2_048)
    .refine(isStorable, UNSTORABLE_REASON),
  contentType: StoredText.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type, e.g. image/jpeg')
    .max(127)
    .optional(),
  name: StoredText.min(1).max(255).optional(),
  size: z.number().int().min(0).optional().describe('bytes'),
});
export type Attachment = z.infer<typeof Attachment>;

export const Attachments = z
  .array(Attachment)
  .min(1, 'must hold at least one attachment (leave it out for none)')
  .max(MAX_ATTACHMENTS, `must hold at most ${MAX_ATTACHMENTS} attachments`);
