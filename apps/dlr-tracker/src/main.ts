import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { dlrTrackerConfig } from './config';
import { DlrTrackerModule } from './dlr-tracker.module';
import { dlrTrackerRoutes } from './messages/messages.routes';

void runSmsgateService({
  name: 'dlr-tracker',
  config: dlrTrackerConfig,
  module: (config) => DlrTrackerModule.forRoot(config),
  apiRoutes: dlrTrackerRoutes,
  consumer: (_app, config) => ({
    // The ledger does a fixed number of round trips per call, whatever its size: big calls amortise them.
    maxEventsPerCall: config.LEDGER_BATCH_SIZE,
    partitionsConsumedConcurrently: config.LEDGER_CONCURRENCY,
    fetchMinBytes: config.LEDGER_FETCH_MIN_BYTES,
    fetchMaxWaitMs: config.LEDGER_FETCH_WAIT_MS,
  }),
});
