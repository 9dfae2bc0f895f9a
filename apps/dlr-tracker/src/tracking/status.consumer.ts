import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { TrackStatuses } from './track-statuses.use-case';

@Controller()
export class StatusConsumer {
  constructor(private readonly track: TrackStatuses) {}

  @EventPattern(Topics.outboundStatus)
  onStatus(@Payload() batch: ConsumedBatch<typeof Topics.outboundStatus>): Promise<Outcome[]> {
    return this.track.fromDispatch(batch.events);
  }

  @EventPattern(Topics.receiptReceived)
  onReceipt(@Payload() batch: ConsumedBatch<typeof Topics.receiptReceived>): Promise<Outcome[]> {
    return this.track.fromReceipts(batch.events);
  }
}
