import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { chtRelayRoutes } from './cht-relay.routes';
import { chtRelayConfig } from './config';
import { ChtRelayModule } from './cht-relay.module';
import { rapidProApiErrorBody } from './rapidpro-api/rapidpro-auth.guard';

void runSmsgateService({
  name: 'cht-relay',
  config: chtRelayConfig,
  module: (config) => ChtRelayModule.forRoot(config),
  errorBody: rapidProApiErrorBody,
  apiRoutes: chtRelayRoutes,
  consumer: {},
});
