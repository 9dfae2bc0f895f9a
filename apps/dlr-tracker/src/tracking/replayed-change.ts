import { MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import { RecordedEventRow } from '@smsgate/db';
import { publicDetail } from './apply-status';

/** The status change an event already recorded made, to publish again; none if it changed nothing. */
export function replayedChange(row: RecordedEventRow): MessageStatusChangedV1 | undefined {
  if (!row.applied || !row.detail || typeof row.detail.messageStatus !== 'string') return undefined;
  return {
    eventId: row.event_id,
    id: row.message_id,
    workspace: row.workspace_id,
    direction: row.direction,
    correlationId: row.correlation_id ?? undefined,
    status: row.detail.messageStatus as MessageStatus,
    previousStatus: (row.detail.previousMessageStatus as MessageStatus | undefined) ?? undefined,
    detail: publicDetail(row.detail),
    at: row.at.toISOString(),
  };
}
