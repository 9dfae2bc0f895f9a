import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { dispatcherConfig } from './config';
import { DispatcherModule } from './dispatcher.module';

void runSmsgateService({
  name: 'dispatcher',
  config: dispatcherConfig,
  module: (config) => DispatcherModule.forRoot(config),
  consumer: { maxEventsPerCall: 200 },
});
