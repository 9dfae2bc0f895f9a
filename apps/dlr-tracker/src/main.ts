import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { consumerTimingsFrom, KafkaEventServer, KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { dlrTrackerConfig } from './config';
import { DlrTrackerModule } from './dlr-tracker.module';

void runService({
  name: 'dlr-tracker',
  config: dlrTrackerConfig,
  module: (config) => DlrTrackerModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
  consumer: (app, config) =>
    KafkaEventServer.forApp(app, {
      groupId: config.KAFKA_GROUP_ID,
      ...consumerTimingsFrom(config),
      retryDelaysMs: config.RETRY_DELAYS_MS,
      // The ledger does a fixed number of round trips per call, whatever its size: big calls amortise them.
      maxEventsPerCall: config.LEDGER_BATCH_SIZE,
      partitionsConsumedConcurrently: config.LEDGER_CONCURRENCY,
      fetchMinBytes: config.LEDGER_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.LEDGER_FETCH_WAIT_MS,
    }),
});
