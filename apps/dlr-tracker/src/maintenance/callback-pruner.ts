import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalTask } from '@smsgate/runtime';
import { CallbackOutboxRepository } from '@smsgate/db';
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
    private readonly outbox: CallbackOutboxRepository,
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
    const deleted = await this.outbox.pruneFinished(this.config.CALLBACK_RETENTION_HOURS, BATCH);
    return deleted === BATCH;
  }
}
