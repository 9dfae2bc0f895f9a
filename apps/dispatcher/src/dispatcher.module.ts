import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@smsgate/db';
import { KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { DispatcherConfig } from './config';

/** Delivers outbound messages to HTTP aggregators (send path: see the send/dispatch issue). */
@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        KafkaModule.forRoot(kafkaSettingsFrom(config, 'dispatcher')),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'smsgate-dispatcher',
        }),
      ],
    };
  }
}
