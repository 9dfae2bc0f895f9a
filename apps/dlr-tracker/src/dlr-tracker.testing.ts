import { KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import { InProcessService, startInProcess } from '@smsgate/testing';
import { dlrTrackerEnv } from './config';
import { DlrTrackerModule } from './dlr-tracker.module';

/** dlr-tracker in the test process, composed as main.ts does; `env` holds a suite's short intervals. */
export function startDlrTracker(groupId: string, env: Record<string, string>): Promise<InProcessService> {
  return startInProcess({
    config: (env) => loadConfig('dlr-tracker', dlrTrackerEnv, env),
    env: { KAFKA_GROUP_ID: groupId, RETRY_DELAYS_MS: '200,400', EGRESS_ALLOW: '127.0.0.1', ...env },
    module: (config) => DlrTrackerModule.forRoot(config),
    filters: [new HttpErrorFilter()],
    consumer: (app, config) =>
      KafkaEventServer.forApp(app, { groupId, retryDelaysMs: config.RETRY_DELAYS_MS, inPlaceRetryMs: 2_000 }),
  });
}
