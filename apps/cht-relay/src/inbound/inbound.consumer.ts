import { Topics } from '@smsgate/contracts';
import { batchConsumer } from '@smsgate/kafka';
import { ForwardInboundUseCase } from './forward-inbound.use-case';

export class InboundConsumer extends batchConsumer(Topics.inboundReceived, ForwardInboundUseCase) {}
