import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { DatabaseHealth } from '@smsgate/db';
import { KafkaHealth } from '@smsgate/kafka';
import { runService } from '@smsgate/runtime';
import { ingressConfig } from './config';
import { IngressModule } from './ingress.module';
import { rapidProErrorBody } from './receive-ex/rapidpro-error';
import { imiErrorBody } from './send/imi-messaging.controller';

void runService({
  name: 'ingress',
  config: ingressConfig,
  module: (config) => IngressModule.forRoot(config),
  readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
  errorBody: (request, status, reason, body) =>
    rapidProErrorBody(request, status, reason) ?? imiErrorBody(request, status, reason, body),
  configureHttp: async (app) => {
    // Multipart form fields land in the body like urlencoded ones; files are refused.
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { files: 0, fields: 50, fieldSize: 65_536 },
    });
  },
});
