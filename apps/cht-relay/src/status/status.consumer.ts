import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { TrackStatusUseCase } from './track-status.use-case';

@Controller()
export class StatusConsumer {
  constructor(private readonly trackStatus: TrackStatusUseCase) {}

  @EventPattern(Topics.messageStatusChanged)
  onStatus(@Payload() batch: ConsumedBatch<typeof Topics.messageStatusChanged>): Promise<Outcome[]> {
    return this.trackStatus.execute(batch.events);
  }
}
