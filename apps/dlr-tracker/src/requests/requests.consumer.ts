import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { RecordSendRequests } from './record-requests.use-case';

@Controller()
export class RequestsConsumer {
  constructor(private readonly record: RecordSendRequests) {}

  @EventPattern(Topics.outboundRequested)
  onRequested(@Payload() batch: ConsumedBatch<typeof Topics.outboundRequested>): Promise<Outcome[]> {
    return this.record.execute(batch.events);
  }
}
