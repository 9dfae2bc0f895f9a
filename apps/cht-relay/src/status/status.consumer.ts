import { Topics } from '@smsgate/contracts';
import { batchConsumer } from '@smsgate/kafka';
import { TrackStatusUseCase } from './track-status.use-case';

export class StatusConsumer extends batchConsumer(Topics.messageStatusChanged, TrackStatusUseCase) {}
