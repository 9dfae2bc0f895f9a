import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@smsgate/db';
import { KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { SmppBindsConfig } from './config';

/** Holds SMPP binds to SMSCs (see the smpp-binds issue). */
@Module({})
export class SmppBindsModule {
  static forRoot(config: SmppBindsConfig): DynamicModule {
    return {
      module: SmppBindsModule,
      imports: [
        KafkaModule.forRoot(kafkaSettingsFrom(config, 'smpp-binds')),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'smsgate-smpp-binds',
        }),
      ],
    };
  }
}
