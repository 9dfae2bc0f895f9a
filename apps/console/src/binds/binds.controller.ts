import { Controller, Get, Inject, Logger, Req } from '@nestjs/common';
import { SmscBindReportsRepository } from '@smsgate/db';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CONSOLE_CONFIG, ConsoleConfig } from '../config';
import { Callers } from '../session/caller';
import { BindsOfAllReplicas } from './binds.view';

const ReportedChannel = BindsOfAllReplicas.shape.channels.element;

/** smpp-binds' report interval is a few seconds; a replica silent for this long is gone. */
const STALE_AFTER_REPORTS = 3;

/**
 * Every SMSC channel's connections across every smpp-binds replica, from what each replica reports to
 * PostgreSQL (smsc_bind_reports): one replica's GET /v1/binds shows only the channels it holds.
 */
@Controller('v1/binds')
export class BindsController {
  private readonly logger = new Logger(BindsController.name);

  constructor(
    private readonly reports: SmscBindReportsRepository,
    private readonly callers: Callers,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest): Promise<z.output<typeof BindsOfAllReplicas>> {
    const caller = await this.callers.of(request);
    const reports = await this.reports.current(STALE_AFTER_REPORTS * this.config.BIND_REPORT_INTERVAL_MS, {
      workspace: caller.workspace,
    });
    return {
      replicas: reports.map((report) => ({
        replica: report.replica,
        partitions: report.partitions,
        updatedAt: report.updatedAt.toISOString(),
      })),
      channels: reports
        .flatMap((report) => report.channels.flatMap((entry) => this.read(entry, report.replica)))
        .sort((a, b) => a.name.localeCompare(b.name) || a.channel.localeCompare(b.channel)),
    };
  }

  /**
   * A reported channel (tagged with its replica by the repository) as the view shows it; one a replica of
   * another version wrote differently is left out.
   */
  private read(entry: unknown, replica: string): z.output<typeof BindsOfAllReplicas>['channels'] {
    const parsed = ReportedChannel.safeParse(entry);
    if (parsed.success) return [parsed.data];
    this.logger.warn(`a channel in ${replica}'s bind report does not read as one: ${parsed.error.message}`);
    return [];
  }
}
