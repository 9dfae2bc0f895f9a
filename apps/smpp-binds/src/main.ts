import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { consumerTimingsFrom, KafkaEventServer, KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { Ownership } from './binds/ownership';
import { smppBindsConfig } from './config';
import { SmppBindsModule } from './smpp-binds.module';

void runService({
  name: 'smpp-binds',
  config: smppBindsConfig,
  module: (config) => SmppBindsModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
  consumer: (app, config) => {
    const ownership = app.get(Ownership);
    return KafkaEventServer.forApp(app, {
      groupId: config.KAFKA_GROUP_ID,
      ...consumerTimingsFrom(config),
      retryDelaysMs: config.RETRY_DELAYS_MS,
      // Channels hash to partitions; each partition's batch waits for its SMSC, so all run at once.
      partitionsConsumedConcurrently: 12,
      maxEventsPerCall: 1_000,
      // Binds follow partition ownership: see Ownership.
      onAssignment: (assignment) => ownership.assign(assignment),
    });
  },
});
