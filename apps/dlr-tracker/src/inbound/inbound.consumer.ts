import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { StoreInboundMessages } from './store-inbound.use-case';

@Controller()
export class InboundConsumer {
  constructor(private readonly storeInbound: StoreInboundMessages) {}

  @EventPattern(Topics.inboundReceived)
  onInbound(@Payload() batch: ConsumedBatch<typeof Topics.inboundReceived>): Promise<Outcome[]> {
    return this.storeInbound.execute(batch.events);
  }
}
