import { z } from 'zod';
import { StoredText } from './storable';

export const ChannelType = z.enum(['ex', 'imi', 'template', 'smpp']);
export type ChannelType = z.infer<typeof ChannelType>;

export const Direction = z.enum(['in', 'out']);
export type Direction = z.infer<typeof Direction>;

/** Every state a message can be in; see dlr-tracker for the allowed transitions. */
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
]);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Priority = z.enum(['high', 'normal', 'bulk']);

export const Timestamp = z.iso.datetime({ offset: true });
export const Id = z.uuid();
/** Free-form detail (provider codes, SMSC stat/err, reasons): flat and JSON-friendly. */
export const Detail = z.record(StoredText, z.union([StoredText, z.number(), z.boolean(), z.null()]));
export const Metadata = z.record(StoredText.max(64), StoredText.max(1024));
