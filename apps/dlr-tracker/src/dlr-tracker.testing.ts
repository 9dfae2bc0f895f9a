import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import { freePort, serviceEnv, testLogger, waitFor } from '@smsgate/testing';
import { dlrTrackerEnv } from './config';
import { DlrTrackerModule } from './dlr-tracker.module';

export interface StartedDlrTracker {
  app: NestFastifyApplication;
  url: string;
}

/** dlr-tracker in the test process, composed as main.ts does; `env` holds a suite's short intervals. */
export async function startDlrTracker(
  groupId: string,
  env: Record<string, string>,
): Promise<StartedDlrTracker> {
  const port = await freePort();
  const config = loadConfig(
    'dlr-tracker',
    dlrTrackerEnv,
    serviceEnv({
      PORT: String(port),
      KAFKA_GROUP_ID: groupId,
      RETRY_DELAYS_MS: '200,400',
      CALLBACK_ALLOW_HOSTS: '127.0.0.1',
      ...env,
    }),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    DlrTrackerModule.forRoot(config),
    new FastifyAdapter(),
    { logger: testLogger() },
  );
  app.useGlobalFilters(new HttpErrorFilter());
  await app.init();
  const server = KafkaEventServer.forApp(app, {
    groupId,
    retryDelaysMs: config.RETRY_DELAYS_MS,
    inPlaceRetryMs: 2_000,
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(port, '127.0.0.1');
  await waitFor(() => server.isReady(), { timeoutMs: 30_000, message: `${groupId} to join` });
  return { app, url: `http://127.0.0.1:${port}` };
}
