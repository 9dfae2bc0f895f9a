import { DynamicModule } from '@nestjs/common';
import { ApiRoute, loadConfig, serviceApiDocument } from '@smsgate/runtime';
import { chtRelayRoutes } from '../../../apps/cht-relay/src/cht-relay.routes';
import { ChtRelayModule } from '../../../apps/cht-relay/src/cht-relay.module';
import { chtRelayEnv } from '../../../apps/cht-relay/src/config';
import { consoleEnv } from '../../../apps/console/src/config';
import { ConsoleModule } from '../../../apps/console/src/console.module';
import { consoleRoutes } from '../../../apps/console/src/console.routes';
import { forwardedRoutes } from '../../../apps/console/src/gateway/forwarded.routes';
import { dlrTrackerEnv } from '../../../apps/dlr-tracker/src/config';
import { DlrTrackerModule } from '../../../apps/dlr-tracker/src/dlr-tracker.module';
import { dlrTrackerRoutes } from '../../../apps/dlr-tracker/src/messages/messages.routes';
import { dispatcherEnv } from '../../../apps/dispatcher/src/config';
import { DispatcherModule } from '../../../apps/dispatcher/src/dispatcher.module';
import { ingressEnv } from '../../../apps/ingress/src/config';
import { IngressModule } from '../../../apps/ingress/src/ingress.module';
import { ingressRoutes } from '../../../apps/ingress/src/ingress.routes';
import { smppBindsRoutes } from '../../../apps/smpp-binds/src/binds/binds.routes';
import { smppBindsEnv } from '../../../apps/smpp-binds/src/config';
import { SmppBindsModule } from '../../../apps/smpp-binds/src/smpp-binds.module';
import { smppServerEnv } from '../../../apps/smpp-server/src/config';
import { smppServerRoutes } from '../../../apps/smpp-server/src/sessions/sessions.routes';
import { SmppServerModule } from '../../../apps/smpp-server/src/smpp-server.module';

// Enough environment for a service's config to load, so its module lists its controllers; nothing connects.
const describingEnv = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://describe@127.0.0.1:5432/describe',
  ADMIN_TOKEN: 'x'.repeat(32),
  SECRETS_KEY: Buffer.alloc(32).toString('base64'),
};

/** Each service's root module and the registry of the routes its controllers serve. */
export function servedModules(): Record<string, { module: DynamicModule; routes: ApiRoute[] }> {
  return {
    'cht-relay': {
      module: ChtRelayModule.forRoot(loadConfig('cht-relay', chtRelayEnv, describingEnv)),
      routes: chtRelayRoutes,
    },
    console: {
      module: ConsoleModule.forRoot(loadConfig('console', consoleEnv, describingEnv)),
      routes: consoleRoutes,
    },
    'dlr-tracker': {
      module: DlrTrackerModule.forRoot(loadConfig('dlr-tracker', dlrTrackerEnv, describingEnv)),
      routes: dlrTrackerRoutes,
    },
    // Only the runtime's routes (health, metrics, these docs): the document says so, and the check below
    // that it serves nothing else.
    dispatcher: {
      module: DispatcherModule.forRoot(loadConfig('dispatcher', dispatcherEnv, describingEnv)),
      routes: [],
    },
    ingress: {
      module: IngressModule.forRoot({
        ...loadConfig('ingress', ingressEnv, describingEnv),
        publicUrl: 'http://127.0.0.1:8080',
      }),
      routes: ingressRoutes,
    },
    'smpp-binds': {
      module: SmppBindsModule.forRoot(loadConfig('smpp-binds', smppBindsEnv, describingEnv)),
      routes: smppBindsRoutes,
    },
    'smpp-server': {
      module: SmppServerModule.forRoot(loadConfig('smpp-server', smppServerEnv, describingEnv)),
      routes: smppServerRoutes,
    },
  };
}

/**
 * The routes the console passes on, as their owners' documents describe them (the answers come back
 * unchanged, so the e2e contract check reads them there); an entry its owner does not serve throws.
 */
export function consoleForwardedRoutes(): ApiRoute[] {
  const owners: Record<string, ApiRoute[]> = { ingress: ingressRoutes, 'dlr-tracker': dlrTrackerRoutes };
  return forwardedRoutes.map((forwarded) => {
    const route = owners[forwarded.to].find(
      (candidate) => candidate.method === forwarded.method.toLowerCase() && candidate.path === forwarded.path,
    );
    if (!route)
      throw new Error(
        `the console passes ${forwarded.method} ${forwarded.path} to ${forwarded.to}, which does not serve it`,
      );
    return {
      ...route,
      description: `${route.description ?? route.summary}\n\nPassed on to ${forwarded.to} unchanged.`,
    };
  });
}

/** The OpenAPI documents committed under docs/openapi/, one per service, from the routes the services serve. */
export function apiDocuments(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(servedModules()).map(([service, { routes }]) => [
      service,
      serviceApiDocument(service, routes),
    ]),
  );
}

export const renderApiDocument = (document: Record<string, unknown>): string =>
  `${JSON.stringify(document, null, 2)}\n`;
