import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { smppBindsRoutes } from './binds/binds.routes';
import { Ownership } from './binds/ownership';
import { smppBindsConfig } from './config';
import { SmppBindsModule } from './smpp-binds.module';

void runSmsgateService({
  name: 'smpp-binds',
  config: smppBindsConfig,
  module: (config) => SmppBindsModule.forRoot(config),
  apiRoutes: smppBindsRoutes,
  consumer: (app) => {
    const ownership = app.get(Ownership);
    return {
      // Channels hash to partitions; each partition's batch waits for its SMSC, so all run at once.
      partitionsConsumedConcurrently: 12,
      maxEventsPerCall: 1_000,
      // Binds follow partition ownership: see Ownership.
      onAssignment: (assignment) => ownership.assign(assignment),
    };
  },
});
