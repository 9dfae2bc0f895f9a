import { Topics } from '@smsgate/contracts';
import { batchConsumer } from '@smsgate/kafka';
import { RecordSendRequests } from './record-requests.use-case';

export class RequestsConsumer extends batchConsumer(Topics.outboundRequested, RecordSendRequests) {}
