import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@smsgate/db';
import { KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { ChtRelayConfig } from './config';

/** Connects the Community Health Toolkit to smsgate (see the cht-relay issue). */
@Module({})
export class ChtRelayModule {
  static forRoot(config: ChtRelayConfig): DynamicModule {
    return {
      module: ChtRelayModule,
      imports: [
        KafkaModule.forRoot(kafkaSettingsFrom(config, 'cht-relay')),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'smsgate-cht-relay',
        }),
      ],
    };
  }
}
