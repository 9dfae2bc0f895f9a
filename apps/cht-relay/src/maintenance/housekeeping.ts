import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
  private readonly logger = new Logger('housekeeping');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) => this.logger.warn(`pruning failed: ${(error as Error).message}`));
    }, INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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
