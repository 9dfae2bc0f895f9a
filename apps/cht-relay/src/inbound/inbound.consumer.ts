import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { ForwardInboundUseCase } from './forward-inbound.use-case';

@Controller()
export class InboundConsumer {
  constructor(private readonly forwardInbound: ForwardInboundUseCase) {}

  @EventPattern(Topics.inboundReceived)
  onInbound(@Payload() batch: ConsumedBatch<typeof Topics.inboundReceived>): Promise<Outcome[]> {
    return this.forwardInbound.execute(batch.events);
  }
}
