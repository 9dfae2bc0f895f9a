import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { consumerTimingsFrom, KafkaEventServer, KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { chtRelayConfig } from './config';
import { ChtRelayModule } from './cht-relay.module';
import { rapidProApiErrorBody } from './rapidpro-api/rapidpro-auth.guard';

void runService({
  name: 'cht-relay',
  config: chtRelayConfig,
  module: (config) => ChtRelayModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
  errorBody: rapidProApiErrorBody,
  consumer: (app, config) =>
    KafkaEventServer.forApp(app, {
      groupId: config.KAFKA_GROUP_ID,
      ...consumerTimingsFrom(config),
      retryDelaysMs: config.RETRY_DELAYS_MS,
    }),
});
