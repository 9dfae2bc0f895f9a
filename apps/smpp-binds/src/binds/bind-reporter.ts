import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SmscBindReportsRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { BindRegistry } from './bind-registry';
import { Ownership } from './ownership';

/** While reports keep failing (PostgreSQL down), one warning a minute says so, not one per report. */
const FAILURE_WARNING_INTERVAL_MS = 60_000;

/**
 * Reports what this replica holds — its partitions and each channel's connections, as GET /v1/binds
 * shows them (no secret: states, counters, errors) — to smsc_bind_reports every BIND_REPORT_INTERVAL_MS,
 * so the console shows every replica's binds at once. A failed report is logged and changes nothing
 * else: sending never waits for it. The row goes when the replica stops.
 */
@Injectable()
export class BindReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BindReporter.name);
  /** This process, as its row names it (as smpp-server's bind ledger names its replica). */
  readonly replica = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly task: IntervalTask;
  private failures = 0;
  private lastWarningAt = -Infinity;

  constructor(
    private readonly registry: BindRegistry,
    private readonly ownership: Ownership,
    private readonly reports: SmscBindReportsRepository,
    @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig,
  ) {
    this.task = new IntervalTask('bind report', config.BIND_REPORT_INTERVAL_MS, async () => {
      await this.report();
      return false;
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(0);
  }

  /** Writes this replica's report now; a failure is logged (see FAILURE_WARNING_INTERVAL_MS), never thrown. */
  async report(): Promise<void> {
    try {
      await this.reports.report(
        this.replica,
        [...this.ownership.owned].sort((a, b) => a - b),
        this.registry.snapshot(),
      );
    } catch (error) {
      this.failed(error);
      return;
    }
    if (this.failures > 0) this.logger.log(`bind reports written again after ${this.failures} failure(s)`);
    this.failures = 0;
    this.lastWarningAt = -Infinity;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.reports
      .remove(this.replica)
      .catch((error: unknown) =>
        this.logger.warn(`could not remove this replica's bind report: ${messageOf(error)}`),
      );
  }

  private failed(error: unknown): void {
    this.failures += 1;
    const now = Date.now();
    if (now - this.lastWarningAt < FAILURE_WARNING_INTERVAL_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(
      `bind report failed (${this.failures} in a row; the console misses this replica's binds): ${messageOf(error)}`,
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
