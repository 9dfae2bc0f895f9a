import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ApiResponse,
  ApiRoute,
  headersTooLarge,
  openApiDocument,
  withCommonAnswers,
} from './openapi-document';

const uiFiles: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// No inline script: the page works under `script-src 'self'`.
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/docs-init.js"></script></body></html>
`;
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/** The routes every service serves from its runtime: health, metrics and these docs. */
export const runtimeRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process answers',
    responses: {
      200: { description: 'alive', schema: z.object({ status: z.literal('ok') }), example: { status: 'ok' } },
    },
  },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: Kafka, PostgreSQL (and the consumer, if any) answer',
    responses: {
      200: {
        description: 'ready',
        schema: z.object({
          status: z.enum(['ready', 'not_ready']),
          draining: z.boolean(),
          checks: z.record(z.string(), z.boolean()),
        }),
        example: { status: 'ready', draining: false, checks: { kafka: true, postgres: true } },
      },
      503: { description: 'not ready (or draining): the same body with `status` `not_ready`' },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: {
      200: { description: 'the text exposition format', contentType: 'text/plain; version=0.0.4' },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: "This service's OpenAPI 3.1 document",
    responses: { 200: { description: 'the document', contentType: 'application/json' } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'The browsable API reference (Swagger UI, served by the service itself)',
    responses: { 200: { description: 'an HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/:file',
    summary: "The page's assets: swagger-ui.css, swagger-ui-bundle.js, docs-init.js, favicon-32x32.png",
    responses: {
      200: {
        description: 'the file',
        contentType: 'text/css',
        alternatives: [{ contentType: 'text/javascript' }, { contentType: 'image/png' }],
      },
      404: { description: 'not one of those files' },
    },
  },
];

/** What every route may answer before its handler: unstorable input (refuseUnstorableInput), the server's limits. */
const edgeAnswers: Record<number, ApiResponse> = {
  400: {
    description:
      'a path or query parameter, or a body field, that PostgreSQL cannot store (NUL, an unpaired surrogate), or input nested too deep',
  },
  431: headersTooLarge,
};

/**
 * The document of `routes` plus the runtime's own; a route's own answer for a status comes first. The
 * runtime's routes read no body and authenticate nothing: only the edge's refusals apply to them.
 */
export function serviceApiDocument(service: string, routes: ApiRoute[]): Record<string, unknown> {
  return openApiDocument(service, [
    ...runtimeRoutes.map((route) => ({ ...route, responses: { ...edgeAnswers, ...route.responses } })),
    ...routes.map(withCommonAnswers),
  ]);
}

/**
 * Serves GET /openapi.json and GET /docs (with its assets under /docs/). They describe the API, not its
 * data, and carry no secret, so they need no auth; clusters are often offline, so nothing comes from a CDN.
 */
export function serveApiDocs(fastify: FastifyInstance, service: string, routes: ApiRoute[]): void {
  // Built on the first request for it, not at every service's start (ingress': about 12 ms).
  let document: string | undefined;
  const documentOf = () => (document ??= JSON.stringify(serviceApiDocument(service, routes)));
  // Swagger UI's files (1.5 MB) are read when the page is first opened, not at every service's start.
  const assets = new Map<string, { type: string; body: Buffer }>([
    ['docs-init.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(init) }],
  ]);
  const assetOf = (file: string) => {
    const type = Object.hasOwn(uiFiles, file) ? uiFiles[file] : undefined;
    if (!assets.has(file) && type) {
      const uiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
      assets.set(file, { type, body: readFileSync(path.join(uiDir, file)) });
    }
    return assets.get(file);
  };
  fastify.get('/openapi.json', (_request, reply) => reply.type('application/json').send(documentOf()));
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  fastify.get<{ Params: { file: string } }>('/docs/:file', (request, reply) => {
    const asset = assetOf(request.params.file);
    if (!asset) return reply.status(404).send({ statusCode: 404, message: 'no such file' });
    return reply.type(asset.type).header('Cache-Control', 'public, max-age=3600').send(asset.body);
  });
}
