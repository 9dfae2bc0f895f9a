import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { messageIdFromRecord } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { DataSource } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { StatusLedger } from '../tracking/status-ledger';
import { publishChanges } from '../tracking/track-statuses.use-case';
import { IntervalTask } from './interval-task';

const BATCH = 500;

/**
 * Marks outbound messages past their expiresAt, with no final state, as expired. The expiry event's id
 * is derived from the message and its expiry, so sweeping twice (or on two replicas) records it once.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: IntervalTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: StatusLedger,
    private readonly publisher: EventPublisher,
    @Inject(DLR_TRACKER_CONFIG) config: DlrTrackerConfig,
  ) {
    this.task = new IntervalTask('expiry sweeper', config.EXPIRY_SWEEP_INTERVAL_MS, () => this.sweep());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round; true when there may be more to expire. */
  async sweep(): Promise<boolean> {
    const output = await this.dataSource.transaction(async (db) => {
      const due = await db.query<{ id: string; workspace_id: string; expires_at: Date }[]>(
        `SELECT id, workspace_id, expires_at FROM messages
         WHERE expires_at <= now() AND status IN ('accepted', 'queued', 'wired', 'sent', 'errored')
         ORDER BY expires_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const result = await this.ledger.apply(
        db,
        due.map((row) => ({
          eventId: messageIdFromRecord('dlr-tracker.expiry', 0, row.id, row.expires_at.getTime()),
          workspace: row.workspace_id,
          messageId: row.id,
          status: 'expired',
          detail: { reason: 'expiresAt passed without a final state' },
          at: row.expires_at.toISOString(),
          source: 'sweeper',
        })),
      );
      return { ...result, more: due.length === BATCH };
    });
    await publishChanges(this.publisher, output);
    return output.more;
  }
}
