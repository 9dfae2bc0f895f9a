import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { smppServerConfig } from './config';
import { SmppServerModule } from './smpp-server.module';
import { smppServerRoutes } from './sessions/sessions.routes';

void runSmsgateService({
  name: 'smpp-server',
  config: smppServerConfig,
  module: (config) => SmppServerModule.forRoot(config),
  apiRoutes: smppServerRoutes,
  consumer: {
    // Each batch is one statement each way; partitions run at once so one slow batch holds no other.
    partitionsConsumedConcurrently: 12,
    maxEventsPerCall: 1_000,
  },
});
