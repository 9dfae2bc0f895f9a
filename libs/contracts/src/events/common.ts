import { z } from 'zod';

export const ChannelType = z.enum(['ex', 'imi', 'template', 'smpp']);
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

export const Timestamp = z.iso.datetime({ offset: true });
export const Id = z.uuid();
/** Free-form detail (provider codes, SMSC stat/err, reasons): flat and JSON-friendly. */
export const Detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export const Metadata = z.record(z.string().max(64), z.string().max(1024));
