import 'reflect-metadata';
import { runSmsgateService } from '@smsgate/service';
import { ingressConfig } from './config';
import { IngressModule } from './ingress.module';
import { ingressRoutes } from './ingress.routes';
import { registerMultipartForms } from './multipart-forms';
import { registerXmlBodies } from './xml-bodies';
import { rapidProErrorBody } from './inbound/rapidpro-error';
import { imiErrorBody } from './send/imi-messaging.controller';

void runSmsgateService({
  name: 'ingress',
  config: ingressConfig,
  module: (config) => IngressModule.forRoot(config),
  apiRoutes: ingressRoutes,
  errorBody: (request, status, reason, body) =>
    rapidProErrorBody(request, status, reason) ?? imiErrorBody(request, status, reason, body),
  configureHttp: async (app) => {
    registerXmlBodies(app);
    await registerMultipartForms(app);
  },
  // Handlers pass their request's span to what they publish (traceOf): ingress, which consumes
  // nothing, then never runs AsyncLocalStorage, whose promise hooks cost a fifth of its CPU.
  ambientHttpTrace: false,
});
