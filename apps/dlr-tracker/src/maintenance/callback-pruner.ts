import { Inject, Injectable } from '@nestjs/common';
import { IntervalWorker } from '@smsgate/runtime';
import { CallbackOutboxRepository } from '@smsgate/db';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';

const BATCH = 5_000;

/**
 * Deletes finished callbacks (delivered, or failed and recorded on their message) once they are older
 * than CALLBACK_RETENTION_HOURS, so the outbox holds the work in hand and a window of recent history
 * rather than every callback ever sent. Oldest first along the primary key, a bounded batch a round.
 */
@Injectable()
export class CallbackPruner extends IntervalWorker {
  constructor(
    private readonly outbox: CallbackOutboxRepository,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    super('callback pruner', config.CALLBACK_PRUNE_INTERVAL_MS);
  }

  /** One round; true when a full batch went (there may be more). */
  async round(): Promise<boolean> {
    const deleted = await this.outbox.pruneFinished(this.config.CALLBACK_RETENTION_HOURS, BATCH);
    return deleted === BATCH;
  }
}
