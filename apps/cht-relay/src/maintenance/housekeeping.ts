import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalTask } from '@smsgate/runtime';
import { DataSource } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';

const INTERVAL_MS = 3_600_000;
/** Long past any Kafka re-delivery or retry schedule. */
const KEEP_DAYS = 7;

/**
 * Prunes what is only needed for a while: loop counters whose window ended, the forwarding record of
 * inbound messages that arrived long ago, and gateway inbox entries CHT took. Messages and broadcasts
 * stay (CHT may ask for their status).
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new IntervalTask(
    'pruning',
    INTERVAL_MS,
    async () => {
      await this.prune();
      return false;
    },
    { logger: new Logger('housekeeping') },
  );

  constructor(
    private readonly db: DataSource,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async prune(): Promise<void> {
    await this.db.query(
      `DELETE FROM cht_loop_counters WHERE window_start < now() - make_interval(secs => $1)`,
      [this.config.LOOP_WINDOW_SECONDS],
    );
    await this.db.query(
      `DELETE FROM cht_inbound_forwards WHERE done_at < now() - make_interval(days => $1)`,
      [KEEP_DAYS],
    );
    await this.db.query(
      `DELETE FROM cht_gateway_inbox WHERE delivered_at < now() - make_interval(days => $1)`,
      [KEEP_DAYS],
    );
  }
}
