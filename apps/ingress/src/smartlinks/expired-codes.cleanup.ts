import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SmartlinksRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';

/** A late click is told 410 for this long after its link expired; 404 after that. */
export const EXPIRED_CODE_RETENTION_DAYS = 30;
const BATCH = 10_000;

/** Deletes smartlink codes long expired, a bounded batch at a time, so the table does not grow forever. */
@Injectable()
export class ExpiredCodesCleanup implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiredCodesCleanup.name);
  private readonly task = new IntervalTask(
    'expired smartlink code cleanup',
    3_600_000,
    async () => (await this.links.deleteExpired(EXPIRED_CODE_RETENTION_DAYS, BATCH)) === BATCH,
    { logger: this.logger },
  );

  constructor(private readonly links: SmartlinksRepository) {}

  onModuleInit(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
