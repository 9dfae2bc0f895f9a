import { freePort, RecordingServer } from '@smsgate/testing';
import Fastify, { FastifyInstance } from 'fastify';
import { forwardedRoutes } from './forwarded.routes';
import { serveForwardedRoutes } from './gateway';

describe('the console passing routes on', () => {
  let ingress: RecordingServer;
  let tracker: RecordingServer;
  let app: FastifyInstance;

  const start = async (upstreams: { ingress: string; 'dlr-tracker': string }, timeoutMs = 2_000) => {
    const fastify = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    serveForwardedRoutes(fastify, { upstreams, timeoutMs, bodyLimitBytes: 1_024 });
    await fastify.ready();
    return fastify;
  };

  beforeAll(async () => {
    [ingress, tracker] = await Promise.all([RecordingServer.start(), RecordingServer.start()]);
    app = await start({ ingress: ingress.url(''), 'dlr-tracker': `${tracker.url('')}/` });
  });

  afterEach(() => {
    ingress.reset();
    tracker.reset();
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([ingress.stop(), tracker.stop()]);
  });

  it('sends a request to the service that owns the route, with its body, query and credentials', async () => {
    ingress.reply({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"messages":[]}' });
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/messages?x=1',
      headers: {
        authorization: 'Bearer sg_key',
        'content-type': 'application/json',
        'idempotency-key': 'abc',
        'x-smsgate-workspace': '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c',
        cookie: 'not=passed',
      },
      payload: '{"to":"+254712345678","text":"hi"}',
    });
    expect(answer.statusCode).toBe(202);
    expect(answer.body).toBe('{"messages":[]}');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(tracker.requests).toHaveLength(0);
    const [request] = ingress.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/messages?x=1',
      body: '{"to":"+254712345678","text":"hi"}',
    });
    expect(request.headers).toMatchObject({
      authorization: 'Bearer sg_key',
      'content-type': 'application/json',
      'idempotency-key': 'abc',
      'x-smsgate-workspace': '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c',
    });
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('passes a GET of the same path to dlr-tracker, and its refusal back unchanged', async () => {
    tracker.reply({
      status: 400,
      headers: { 'content-type': 'application/json', 'retry-after': '3', 'set-cookie': 'x=y' },
      body: '{"statusCode":400,"message":"status: Invalid option"}',
    });
    const answer = await app.inject({ method: 'GET', url: '/v1/messages?status=nope' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ statusCode: 400, message: 'status: Invalid option' });
    expect(answer.headers['retry-after']).toBe('3');
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(tracker.requests[0]).toMatchObject({ method: 'GET', url: '/v1/messages?status=nope' });
  });

  it('passes on only its own routes', async () => {
    const answers = await Promise.all([
      app.inject({ method: 'DELETE', url: '/v1/messages' }),
      app.inject({ method: 'POST', url: '/v1/routes' }),
      app.inject({ method: 'GET', url: '/c/ex/0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c/receive' }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([404, 404, 404]);
    expect(ingress.requests.length + tracker.requests.length).toBe(0);
  });

  it('holds every route the pages and the CLI call, each owned by one service', () => {
    const keys = forwardedRoutes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining(['POST /v1/messages', 'GET /v1/messages/:id', 'PATCH /v1/channels/:uuid']),
    );
  });

  it('refuses a body over its limit before passing it on', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { 'content-type': 'application/json' },
      payload: `{"text":"${'x'.repeat(2_000)}"}`,
    });
    expect(answer.statusCode).toBe(413);
    expect(ingress.requests).toHaveLength(0);
  });

  it('answers 502 naming the service it cannot reach, and 504 (not "retry") when it does not answer', async () => {
    const closed = await freePort();
    const unreachable = await start(
      { ingress: `http://127.0.0.1:${closed}`, 'dlr-tracker': tracker.url('') },
      300,
    );
    try {
      const down = await unreachable.inject({ method: 'GET', url: '/v1/channels' });
      expect(down.statusCode).toBe(502);
      expect(down.json()).toMatchObject({ statusCode: 502, message: 'ingress cannot be reached right now' });
      tracker.reply('hang');
      const slow = await unreachable.inject({ method: 'GET', url: '/v1/messages' });
      expect(slow.statusCode).toBe(504);
      expect(slow.json().message).toMatch(
        /did not answer within 300 ms; the request may still have been acted on/,
      );
    } finally {
      await unreachable.close();
    }
  });
});
