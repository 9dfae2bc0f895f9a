import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { consumerTimingsFrom, KafkaEventServer, KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { dispatcherConfig } from './config';
import { DispatcherModule } from './dispatcher.module';

void runService({
  name: 'dispatcher',
  config: dispatcherConfig,
  module: (config) => DispatcherModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
  consumer: (app, config) =>
    KafkaEventServer.forApp(app, {
      groupId: config.KAFKA_GROUP_ID,
      ...consumerTimingsFrom(config),
      retryDelaysMs: config.RETRY_DELAYS_MS,
      maxEventsPerCall: 200,
    }),
});
