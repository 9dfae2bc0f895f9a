import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventPublisher, KAFKA, KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import { ADMIN_TOKEN, freePort, SECRETS_KEY, waitFor } from '@smsgate/testing';
import { Ownership } from './binds/ownership';
import { smppBindsEnv } from './config';
import { SmppBindsModule } from './smpp-binds.module';

export interface StartedSmppBinds {
  app: NestFastifyApplication;
  url: string;
}

/** smpp-binds in the test process, composed as main.ts does, with short intervals (integration tests). */
export async function startSmppBinds(options: {
  brokers: string;
  databaseUrl: string;
  groupId: string;
  logs?: boolean;
  env?: Record<string, string>;
}): Promise<StartedSmppBinds> {
  const port = await freePort();
  const config = loadConfig('smpp-binds', smppBindsEnv, {
    KAFKA_BROKERS: options.brokers,
    DATABASE_URL: options.databaseUrl,
    SECRETS_KEY,
    ADMIN_TOKEN,
    PORT: String(port),
    KAFKA_GROUP_ID: options.groupId,
    RETRY_DELAYS_MS: '200',
    RECONCILE_INTERVAL_MS: '200',
    SUBMIT_HOLD_MS: '1000',
    MO_PARTS_TIMEOUT_SECONDS: '2',
    MO_SWEEP_INTERVAL_MS: '200',
    ...options.env,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    SmppBindsModule.forRoot(config),
    new FastifyAdapter(),
    {
      logger: options.logs ? ['error', 'warn', 'log'] : false,
    },
  );
  app.useGlobalFilters(new HttpErrorFilter());
  await app.init();
  const ownership = app.get(Ownership);
  const server = new KafkaEventServer({
    kafka: app.get(KAFKA),
    publisher: app.get(EventPublisher),
    groupId: options.groupId,
    retryDelaysMs: config.RETRY_DELAYS_MS,
    inPlaceRetryMs: 2_000,
    partitionsConsumedConcurrently: 12,
    onAssignment: (assignment) => ownership.assign(assignment),
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(port, '127.0.0.1');
  await waitFor(() => server.isReady(), { timeoutMs: 30_000, message: `${options.groupId} to join` });
  return { app, url: `http://127.0.0.1:${port}` };
}
