import { z } from 'zod';
import { StoredText } from './storable';
import { Detail, Direction, Id, MessageStatus, Timestamp } from './common';

/** Published by dlr-tracker for every applied change of a message's state. Keyed by `id`. */
export const MessageStatusChangedV1 = z.object({
  eventId: Id,
  id: Id,
  workspace: Id,
  direction: Direction,
  correlationId: StoredText.max(128).optional(),
  status: MessageStatus,
  previousStatus: MessageStatus.optional(),
  detail: Detail.optional(),
  at: Timestamp,
});
export type MessageStatusChangedV1 = z.infer<typeof MessageStatusChangedV1>;
