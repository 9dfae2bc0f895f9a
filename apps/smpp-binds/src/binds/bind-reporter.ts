import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SmscBindReportsRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { BindRegistry } from './bind-registry';
import { Ownership } from './ownership';

/**
 * Reports what this replica holds — its partitions and each channel's connections, as GET /v1/binds
 * shows them (no secret: states, counters, errors) — to smsc_bind_reports every BIND_REPORT_INTERVAL_MS,
 * so the console shows every replica's binds at once. A failed report is logged and changes nothing
 * else: sending never waits for it. The row goes when the replica stops.
 */
@Injectable()
export class BindReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BindReporter.name);
  readonly replica = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly task: IntervalTask;

  constructor(
    private readonly registry: BindRegistry,
    private readonly ownership: Ownership,
    private readonly reports: SmscBindReportsRepository,
    @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig,
  ) {
    this.task = new IntervalTask(
      'bind report',
      config.BIND_REPORT_INTERVAL_MS,
      async () => {
        await this.report();
        return false;
      },
      { logger: this.logger },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start(0);
  }

  report(): Promise<void> {
    return this.reports.report(
      this.replica,
      [...this.ownership.owned].sort((a, b) => a - b),
      this.registry.snapshot(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.reports
      .remove(this.replica)
      .catch((error: unknown) =>
        this.logger.warn(`could not remove this replica's bind report: ${(error as Error).message}`),
      );
  }
}
