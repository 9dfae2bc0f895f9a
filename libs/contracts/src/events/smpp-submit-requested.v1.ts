import { z } from 'zod';
import { StoredText } from './storable';
import { Id, Priority, Timestamp } from './common';

/**
 * A message routed to an SMPP channel: dispatcher resolved the channel and the id, smpp-binds submits
 * it. Keyed by channel, so one channel's traffic stays in order on one partition.
 */
export const SmppSubmitRequestedV1 = z.object({
  id: Id,
  workspace: Id,
  channel: Id,
  to: StoredText.min(1).max(32),
  from: StoredText.min(1).max(32).optional(),
  text: StoredText.min(1).max(10_000),
  priority: Priority,
  expiresAt: Timestamp.optional(),
  correlationId: StoredText.min(1).max(128).optional(),
  requestedAt: Timestamp,
});
export type SmppSubmitRequestedV1 = z.infer<typeof SmppSubmitRequestedV1>;
