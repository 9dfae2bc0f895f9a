import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@smsgate/auth';
import { DatabaseModule } from '@smsgate/db';
import { KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { DlrTrackerConfig } from './config';
import { InboundConsumer } from './inbound/inbound.consumer';
import { StoreInboundMessages } from './inbound/store-inbound.use-case';
import { MessagesController } from './messages/messages.controller';

@Module({})
export class DlrTrackerModule {
  static forRoot(config: DlrTrackerConfig): DynamicModule {
    return {
      module: DlrTrackerModule,
      imports: [
        KafkaModule.forRoot(kafkaSettingsFrom(config, 'dlr-tracker')),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'smsgate-dlr-tracker',
        }),
        AuthModule,
      ],
      controllers: [MessagesController, InboundConsumer],
      providers: [StoreInboundMessages],
    };
  }
}
