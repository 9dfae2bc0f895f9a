import type { DynamicModule, ExceptionFilter } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { KafkaEventServer } from '@smsgate/kafka';
import { freePort } from './free-port';
import { serviceEnv, testLogger } from './service-setup';
import { waitFor } from './wait-for';

/** A service composed in the test process: its application (providers at hand) and its HTTP address. */
export interface InProcessService {
  app: NestFastifyApplication;
  url: string;
}

/**
 * Starts a service in the test process as its main.ts composes it (config, module, consumer), on a free
 * port and the test infrastructure with `env` on top; resolves once its consumer joined its group.
 */
export async function startInProcess<C>(service: {
  config: (env: NodeJS.ProcessEnv) => C;
  env: NodeJS.ProcessEnv;
  module: (config: C) => DynamicModule;
  filters: ExceptionFilter[];
  consumer: (app: NestFastifyApplication, config: C) => KafkaEventServer;
}): Promise<InProcessService> {
  // Loaded here: everything importing @smsgate/testing (unit specs too) need not load Nest and Fastify.
  const [{ NestFactory }, { FastifyAdapter }] = await Promise.all([
    import('@nestjs/core'),
    import('@nestjs/platform-fastify'),
  ]);
  const port = await freePort();
  const config = service.config(serviceEnv({ ...service.env, PORT: String(port) }));
  const app = await NestFactory.create<NestFastifyApplication>(service.module(config), new FastifyAdapter(), {
    logger: testLogger(),
  });
  app.useGlobalFilters(...service.filters);
  await app.init();
  const server = service.consumer(app, config);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(port, '127.0.0.1');
  const group = service.env.KAFKA_GROUP_ID ?? 'the consumer';
  await waitFor(() => server.isReady(), { timeoutMs: 30_000, message: `${group} to join` });
  return { app, url: `http://127.0.0.1:${port}` };
}
