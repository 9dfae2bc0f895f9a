import Fastify from 'fastify';
import { z } from 'zod';
import { serveApiDocs } from './api-docs';

describe('serveApiDocs', () => {
  const app = Fastify();
  serveApiDocs(app, 'example', [
    {
      method: 'post',
      path: '/v1/things/:id',
      summary: 'Make a thing',
      auth: 'workspace',
      body: { schema: z.object({ size: z.coerce.number().default(1) }), example: { size: 2 } },
      responses: { 202: { description: 'accepted' } },
    },
    {
      method: 'get',
      path: '/c/:type/:uuid',
      summary: 'A webhook',
      auth: 'none',
      params: z.object({ type: z.enum(['ex', 'imi']).describe('the channel type') }),
      query: z.object({ from: z.string(), text: z.string().optional() }),
      headers: z.object({ 'idempotency-key': z.string().max(128).optional() }),
      body: [
        { schema: z.object({ from: z.string() }) },
        { schema: z.object({ from: z.string() }), contentType: 'application/x-www-form-urlencoded' },
      ],
      responses: {
        200: {
          description: 'read',
          schema: z.object({ id: z.string() }),
          alternatives: [{ contentType: 'text/xml' }],
        },
      },
    },
  ]);
  afterAll(() => app.close());

  it('serves the document with every route, runtime ones included, in OpenAPI form', async () => {
    const answer = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(answer.statusCode).toBe(200);
    const document = answer.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toBe('3.1.1');
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/c/{type}/{uuid}',
        '/docs',
        '/docs/{file}',
        '/health/live',
        '/health/ready',
        '/metrics',
        '/openapi.json',
        '/v1/things/{id}',
      ].sort(),
    );
    // The input side: a body may leave out what the schema defaults.
    expect(document.paths['/v1/things/{id}']?.post).toMatchObject({
      parameters: [{ name: 'id', in: 'path', required: true }],
      requestBody: { content: { 'application/json': { schema: { properties: { size: { default: 1 } } } } } },
      security: [{ workspaceKey: [] }],
    });
    expect(JSON.stringify(document.paths['/v1/things/{id}'])).not.toContain('"required":["size"]');
  });

  it('describes path, query and header parameters, several request media types and alternative answers', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, Record<string, unknown>>>;
    }>();
    const operation = document.paths['/c/{type}/{uuid}']?.get;
    expect(operation?.parameters).toEqual([
      {
        name: 'type',
        in: 'path',
        required: true,
        description: 'the channel type',
        schema: { type: 'string', enum: ['ex', 'imi'] },
      },
      { name: 'uuid', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'from', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'text', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'idempotency-key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } },
    ]);
    expect(Object.keys((operation?.requestBody as { content: object }).content)).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    expect(Object.keys((operation?.responses as Record<string, { content: object }>)[200].content)).toEqual([
      'application/json',
      'text/xml',
    ]);
    expect(operation?.security).toEqual([]);
  });

  it('serves a page without inline script, and its assets from the installed package', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).not.toMatch(/<script>/);
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'docs-init.js', 'favicon-32x32.png']) {
      const asset = await app.inject({ method: 'GET', url: `/docs/${file}` });
      expect({ file, status: asset.statusCode, size: asset.body.length > 10 }).toEqual({
        file,
        status: 200,
        size: true,
      });
    }
    expect((await app.inject({ method: 'GET', url: '/docs/../package.json' })).statusCode).toBe(404);
  });
});
