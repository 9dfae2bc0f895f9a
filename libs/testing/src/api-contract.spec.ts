import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiContractDocument,
  contractViolations,
  expectUndocumented,
  formatViolations,
  matchPath,
  registerService,
  unregisterService,
  watchFetch,
} from './api-contract';

const channel = {
  type: 'object',
  properties: { uuid: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
  required: ['uuid', 'name'],
};

const document: ApiContractDocument = {
  paths: {
    '/v1/channels': {
      get: {
        responses: {
          200: { content: { 'application/json': { schema: { type: 'array', items: channel } } } },
          401: {},
        },
      },
    },
    '/v1/channels/{uuid}': {
      get: { responses: { 200: { content: { 'application/json': { schema: channel } } }, 404: {} } },
    },
    '/v1/channels/stats': { get: { responses: { 200: {} } } },
    '/metrics': { get: { responses: { 200: { content: { 'text/plain; version=0.0.4': {} } } } } },
  },
};

const UUID = '0b7c1f0e-8d2a-4c55-9d1e-3f6a2b9c8e41';

/** What the server answers to `METHOD path`: status, content type and body. */
const answers: Record<string, [number, string, string]> = {
  'GET /v1/channels': [200, 'application/json; charset=utf-8', JSON.stringify([{ uuid: UUID, name: 'a' }])],
  [`GET /v1/channels/${UUID}`]: [200, 'application/json', JSON.stringify({ uuid: UUID })],
  'GET /v1/channels/missing': [404, 'application/json', '{"message":"no such channel"}'],
  'GET /v1/channels/stats': [200, 'application/json', '{}'],
  'GET /v1/channels/teapot': [418, 'application/json', '{"message":"short and stout"}'],
  'GET /metrics': [200, 'text/plain; version=0.0.4; charset=utf-8', 'up 1\n'],
  'GET /metrics/': [200, 'application/json', '{}'],
  'POST /v1/channels': [404, 'application/json', '{"message":"Route POST:/v1/channels not found"}'],
  'GET /v1/nowhere': [404, 'application/json', '{"message":"Route GET:/v1/nowhere not found"}'],
  'GET /v1/elsewhere': [200, 'application/json', '{}'],
  'GET /v1/channels/%FF': [400, 'application/json', '{"message":"not a valid url component"}'],
  'PUT /v1/channels': [400, 'application/json', '{"message":"Body is not valid JSON"}'],
  'PUT /v1/channels/stats': [401, 'application/json', '{"message":"who are you"}'],
  'DELETE /v1/channels': [415, 'application/json', '{"message":"Unsupported Media Type"}'],
};

describe('the API contract check', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const [status, type, body] = answers[`${request.method} ${request.url}`] ?? [500, 'text/plain', 'no'];
      response.writeHead(status, { 'content-type': type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    watchFetch();
    registerService(base, 'channels', document);
  });

  afterAll(async () => {
    unregisterService(base);
    await new Promise((resolve) => server.close(resolve));
  });

  const problemsOf = async (path: string, method = 'GET') => {
    const response = await fetch(`${base}${path}`, { method });
    const text = await response.text();
    return { text, found: (await contractViolations()).map((v) => `${v.status} ${v.problem}`) };
  };

  it('passes documented answers and leaves the body to the test', async () => {
    expect(await problemsOf('/v1/channels')).toEqual({
      text: answers['GET /v1/channels'][2],
      found: [],
    });
    expect((await problemsOf('/metrics')).found).toEqual([]);
  });

  it('fails an undocumented status', async () => {
    expect((await problemsOf('/v1/channels/teapot')).found).toEqual([
      '418 status 418 is not documented for GET /v1/channels/{uuid} (documented: 200, 404)',
    ]);
  });

  it('fails a body the schema refuses', async () => {
    expect((await problemsOf(`/v1/channels/${UUID}`)).found).toEqual([
      "200 the body does not match the schema: body must have required property 'name'",
    ]);
  });

  it('fails a content type the document does not list', async () => {
    expect((await problemsOf('/metrics/')).found).toEqual([
      '200 content-type "application/json" is not one of text/plain; version=0.0.4',
    ]);
  });

  it('passes 404 for a route no document lists, and fails other answers there', async () => {
    expect((await problemsOf('/v1/nowhere')).found).toEqual([]);
    expect((await problemsOf('/v1/channels', 'POST')).found).toEqual([]);
    expect((await problemsOf('/v1/elsewhere')).found).toEqual(['200 the path matches no documented path']);
  });

  it('passes a refusal of a request no operation takes (a path not UTF-8, an unknown method with a bad body)', async () => {
    expect((await problemsOf('/v1/channels/%FF')).found).toEqual([]);
    expect((await problemsOf('/v1/channels', 'PUT')).found).toEqual([]);
    expect((await problemsOf('/v1/channels', 'DELETE')).found).toEqual([]);
    expect((await problemsOf('/v1/channels/stats', 'PUT')).found).toEqual([
      '401 PUT is not documented for /v1/channels/stats',
    ]);
  });

  it('matches path templates one segment each, literal segments first', async () => {
    expect((await problemsOf('/v1/channels/missing')).found).toEqual([]);
    expect((await problemsOf('/v1/channels/stats')).found).toEqual([]);
    const paths = Object.keys(document.paths);
    expect(matchPath(paths, '/v1/channels/stats')).toEqual(['/v1/channels/stats', '/v1/channels/{uuid}']);
    expect(matchPath(paths, `/v1/channels/${UUID}/`)).toEqual(['/v1/channels/{uuid}']);
    expect(matchPath(paths, `/v1/channels/${UUID}/x`)).toEqual([]);
    expect(matchPath(paths, '/v1/channels//')).toEqual(['/v1/channels']);
  });

  it('leaves what expectUndocumented runs unchecked', async () => {
    await expectUndocumented(() => fetch(`${base}/v1/elsewhere`));
    expect(await contractViolations()).toEqual([]);
  });

  it('reports the request and the start of the body', async () => {
    await fetch(`${base}/v1/channels/teapot`);
    expect(await contractViolations()).toEqual([
      expect.objectContaining({
        service: 'channels',
        method: 'GET',
        path: '/v1/channels/teapot',
        status: 418,
        body: '{"message":"short and stout"}',
      }),
    ]);
  });

  it('lists each distinct finding once, with how often it was seen', async () => {
    await Promise.all([1, 2, 3].map(() => fetch(`${base}/v1/channels/teapot`)));
    expect(formatViolations(await contractViolations())).toBe(
      [
        '3 answer(s) not as the committed OpenAPI document (docs/openapi/<service>.json) says:',
        '- channels: GET /v1/channels/teapot → 418: status 418 is not documented for GET /v1/channels/{uuid} (documented: 200, 404) (3 times)',
        '  body: {"message":"short and stout"}',
      ].join('\n'),
    );
  });
});
