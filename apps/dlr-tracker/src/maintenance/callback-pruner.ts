import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalTask } from '@smsgate/runtime';
import { DataSource } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';

const BATCH = 5_000;

/**
 * Deletes finished callbacks (delivered, or failed and recorded on their message) once they are older
 * than CALLBACK_RETENTION_HOURS, so the outbox holds the work in hand and a window of recent history
 * rather than every callback ever sent. Oldest first along the primary key, a bounded batch a round.
 */
@Injectable()
export class CallbackPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: IntervalTask;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    this.task = new IntervalTask('callback pruner', config.CALLBACK_PRUNE_INTERVAL_MS, () => this.prune());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round; true when a full batch went (there may be more). */
  async prune(): Promise<boolean> {
    const deleted = await this.dataSource.query<{ id: string }[]>(
      `WITH gone AS (
         DELETE FROM callback_outbox WHERE id IN (
           SELECT id FROM callback_outbox
           WHERE state IN ('delivered', 'failed')
             AND finished_at < now() - make_interval(hours => $1::int)
           ORDER BY id LIMIT $2)
         RETURNING id)
       SELECT id FROM gone`,
      [this.config.CALLBACK_RETENTION_HOURS, BATCH],
    );
    return deleted.length === BATCH;
  }
}
