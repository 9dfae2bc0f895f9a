import { Inject, Injectable } from '@nestjs/common';
import { messageIdFromRecord } from '@smsgate/contracts';
import { ExpiredMessage, MessageSweepsRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { EXPIRY_SOURCE } from '../domain/sources';
import { StatusSweeper, SweptStatus } from './status-sweeper';

/**
 * Finds outbound messages past their expiresAt with no final state and publishes an `expired` status
 * for each on `sms.outbound.status.v1`, where the status consumer applies it like any other report:
 * in its batch's transaction, then published as a status change — so a crash between the two is
 * covered by the consumer's replay, as for every other event. The event's id is derived from the
 * message and its expiry: sweeping twice (or on two replicas) records it once.
 */
@Injectable()
export class ExpirySweeper extends StatusSweeper<ExpiredMessage> {
  constructor(
    private readonly messages: MessageSweepsRepository,
    publisher: EventPublisher,
    @Inject(DLR_TRACKER_CONFIG) config: DlrTrackerConfig,
  ) {
    super('expiry sweeper', config.EXPIRY_SWEEP_INTERVAL_MS, publisher);
  }

  protected findDue(limit: number, skip: string[]): Promise<ExpiredMessage[]> {
    return this.messages.findExpired(limit, skip);
  }

  protected statusOf(row: ExpiredMessage): SweptStatus {
    return {
      payload: {
        eventId: messageIdFromRecord('dlr-tracker.expiry', 0, row.id, row.expires_at.getTime()),
        id: row.id,
        workspace: row.workspace_id,
        channel: row.channel_id ?? undefined,
        status: 'expired',
        detail: { reason: 'expiresAt passed without a final state', by: EXPIRY_SOURCE },
        at: row.expires_at.toISOString(),
      },
      key: row.id,
    };
  }
}
