import 'reflect-metadata';
import { DatabaseHealth } from '@smsgate/db';
import { KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { chtRelayConfig } from './config';
import { ChtRelayModule } from './cht-relay.module';

void runService({
  name: 'cht-relay',
  config: chtRelayConfig,
  module: (config) => ChtRelayModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
});
