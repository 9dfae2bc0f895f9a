import { DynamicModule, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { collectDefaultMetrics, register } from 'prom-client';
import { ConfigError } from './config/load-config';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { ErrorBodyShaper, HttpErrorFilter } from './http-error.filter';
import { refuseUnstorableInput } from './http/input-check';
import { createLogger, JsonLogger } from './logging/logger';
import { instrumentHttp } from './metrics/http-metrics';
import { startTracing, stopTracing, TracingEnv } from './tracing/otel';
import { traceHttp } from './tracing/trace-http';
import { MetricsController } from './metrics/metrics.controller';
import { serveApiDocs } from './openapi/api-docs';
import { ApiRoute } from './openapi/openapi-document';

export interface HealthCheckProvider {
  check(): Promise<boolean>;
}

export interface ServiceConfig extends TracingEnv {
  PORT: number;
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_SECONDS: number;
}

export interface ServiceDefinition<C extends ServiceConfig> {
  name: string;
  /** Validates the environment; throws ConfigError. */
  config: () => C;
  module: (config: C) => DynamicModule | Type;
  /** Readiness checks resolved from the application (e.g. KafkaHealth, DatabaseHealth). */
  readiness?: Record<string, Type<HealthCheckProvider>>;
  /** The Kafka consumer, when the service consumes. */
  consumer?: (app: INestApplication, config: C) => CustomTransportStrategy & { isReady(): boolean };
  /** Extra HTTP set-up (body parsers) before routes are registered. */
  configureHttp?: (app: NestFastifyApplication, config: C) => Promise<void>;
  bodyLimitBytes?: number;
  /** Routes that speak another product's API answer errors in that product's shape. */
  errorBody?: ErrorBodyShaper;
  /** How HTTP requests carry their trace: see `TraceHttpOptions.ambient` (default true). */
  ambientHttpTrace?: boolean;
  /** The service's own routes, described at GET /openapi.json and GET /docs. */
  apiRoutes?: ApiRoute[];
}

@Module({ controllers: [HealthController, MetricsController], providers: [Readiness], exports: [Readiness] })
class RuntimeModule {}

/**
 * Boots one smsgate service: validated config, JSON logs, /health and /metrics, the optional Kafka
 * consumer, and a graceful SIGTERM: report not-ready, stop taking HTTP requests and events, let the
 * work in hand finish and commit, then disconnect (bounded by SHUTDOWN_TIMEOUT_SECONDS).
 */
export async function runService<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  try {
    await startService(definition);
  } catch (error) {
    const err = error instanceof Error ? { message: error.message, stack: error.stack } : String(error);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: definition.name, msg: 'failed to start', err })}\n`,
    );
    process.exit(1);
  }
}

async function startService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<INestApplication> {
  let config: C;
  try {
    config = definition.config();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service: definition.name, msg: 'invalid configuration', problems: error.problems })}\n`,
      );
      process.exit(78);
    }
    throw error;
  }

  const pino = createLogger(definition.name, config.LOG_LEVEL);
  const logger = new JsonLogger(pino);
  Logger.overrideLogger(logger);
  register.setDefaultLabels({ service: definition.name });
  // The event-loop lag histogram samples every 100 ms, not prom-client's 10 ms: a hundred wake-ups a
  // second were most of an idle service's CPU (2-3 % of a core each).
  collectDefaultMetrics({ eventLoopMonitoringPrecision: 100 });
  const exporting = startTracing(definition.name, config);
  if (exporting !== 'off') pino.info({ exporting }, 'exporting OpenTelemetry spans');

  @Module({ imports: [RuntimeModule, definition.module(config)] })
  class ServiceRoot {}

  const adapter = new FastifyAdapter({
    bodyLimit: definition.bodyLimitBytes ?? 1_048_576,
    trustProxy: true,
    // `/c/ex/<uuid>/receive/` is `/c/ex/<uuid>/receive`: aggregators set up against RapidPro often add the slash.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRoot, adapter, {
    logger,
    abortOnError: false,
  });
  instrumentHttp(app.getHttpAdapter().getInstance());
  traceHttp(app.getHttpAdapter().getInstance(), { ambient: definition.ambientHttpTrace });
  refuseUnstorableInput(app.getHttpAdapter().getInstance());
  await definition.configureHttp?.(app, config);
  serveApiDocs(app.getHttpAdapter().getInstance(), definition.name, definition.apiRoutes ?? []);
  app.useGlobalFilters(new HttpErrorFilter(definition.errorBody));

  const readiness = app.get(Readiness);
  for (const [name, type] of Object.entries(definition.readiness ?? {})) {
    const provider = app.get(type, { strict: false });
    readiness.register(name, () => provider.check());
  }
  // Module init (topic creation, producer and database connections) completes before consuming starts.
  await app.init();
  if (definition.consumer) {
    const consumer = definition.consumer(app, config);
    readiness.register('consumer', () => consumer.isReady());
    // The HTTP error filter answers HTTP requests; consumer errors stay errors for the consumer's outcomes.
    app.connectMicroservice({ strategy: consumer }, { inheritAppConfig: false });
    await app.startAllMicroservices();
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    pino.info({ signal }, 'shutting down');
    readiness.drain();
    const timer = setTimeout(() => {
      pino.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SECONDS * 1_000);
    timer.unref();
    app
      .close()
      .then(() => stopTracing())
      .then(
        () => {
          pino.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          pino.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  await app.listen(config.PORT, '0.0.0.0');
  pino.info({ port: config.PORT, url: `http://127.0.0.1:${config.PORT}` }, `${definition.name} listening`);
  return app;
}
