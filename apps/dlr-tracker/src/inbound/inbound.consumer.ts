import { Topics } from '@smsgate/contracts';
import { batchConsumer } from '@smsgate/kafka';
import { StoreInboundMessages } from './store-inbound.use-case';

export class InboundConsumer extends batchConsumer(Topics.inboundReceived, StoreInboundMessages) {}
