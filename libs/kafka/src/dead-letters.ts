import { Inject, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import {
  browseDeadLetters,
  BrowseReport,
  replayDeadLetters,
  ReplayFilter,
  ReplayReport,
} from './dead-letter-replay';
import { EventPublisher } from './event-publisher';
import { KAFKA } from './kafka.module';

/**
 * The dead-letter topic for a service that shows it to operators (the console): browse it, replay letters
 * to the topics they came from. The same logic as `npm run dlq:replay`, over the service's own Kafka
 * client and publisher.
 */
@Injectable()
export class DeadLetters {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
  ) {}

  browse(filter: ReplayFilter, limit: number, timeoutMs = 20_000): Promise<BrowseReport> {
    return browseDeadLetters(this.kafka, { filter, limit, timeoutMs });
  }

  replay(
    filter: ReplayFilter,
    options: { dryRun: boolean; limit?: number; timeoutMs?: number },
  ): Promise<ReplayReport> {
    return replayDeadLetters(this.kafka, options.dryRun ? undefined : this.publisher, {
      filter,
      dryRun: options.dryRun,
      limit: options.limit,
      timeoutMs: options.timeoutMs ?? 20_000,
    });
  }
}
