import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { smppBindsConfig } from './config';
import { SmppBindsModule } from './smpp-binds.module';

void runService({
  name: 'smpp-binds',
  config: smppBindsConfig,
  module: (config) => SmppBindsModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
});
