import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { dispatcherConfig } from './config';
import { DispatcherModule } from './dispatcher.module';

void runService({
  name: 'dispatcher',
  config: dispatcherConfig,
  module: (config) => DispatcherModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
});
