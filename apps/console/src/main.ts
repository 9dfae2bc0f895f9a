import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { consoleConfig } from './config';
import { ConsoleModule } from './console.module';
import { consoleRoutes } from './console.routes';
import { serveForwardedRoutes } from './gateway/gateway';
import { serveConsoleUi } from './ui/console-ui';

const BODY_LIMIT_BYTES = 1_048_576;

void runSmsgateService({
  name: 'console',
  config: consoleConfig,
  module: (config) => ConsoleModule.forRoot(config),
  apiRoutes: consoleRoutes,
  bodyLimitBytes: BODY_LIMIT_BYTES,
  configureHttp: async (app, config) => {
    const fastify = app.getHttpAdapter().getInstance();
    serveConsoleUi(fastify);
    serveForwardedRoutes(fastify, {
      upstreams: { ingress: config.INGRESS_URL, 'dlr-tracker': config.DLR_TRACKER_URL },
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      bodyLimitBytes: BODY_LIMIT_BYTES,
    });
  },
  ambientHttpTrace: false,
});
