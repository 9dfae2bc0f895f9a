import { EgressGuard } from './egress-guard';
import { createServer } from 'node:net';
import { HttpTransportError, NodeHttpClient } from './http-client';
import { RecordingServer } from '@smsgate/testing';
import { rejectionOf } from './rejection.testing';

/** A client that may reach the local test servers, and only those. */
const localHttpClient = (): NodeHttpClient => new NodeHttpClient({ egress: { allowHosts: ['127.0.0.1'] } });

const transportError = (promise: Promise<unknown>) => rejectionOf(promise, HttpTransportError);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('NodeHttpClient', () => {
  let server: RecordingServer;
  let http: NodeHttpClient;

  beforeAll(async () => {
    server = await RecordingServer.start();
    http = localHttpClient();
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    http.close();
    await server.stop();
  });

  it('sends method, headers and body, and returns status, lower-case headers and body', async () => {
    server.reply({ status: 201, headers: { 'X-Reply': 'yes' }, body: 'créé' });
    const response = await http.request({
      method: 'PUT',
      url: server.url('/send?a=1'),
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Custom': 'v' },
      body: 'héllo',
      timeoutMs: 2_000,
    });
    expect(response).toMatchObject({ status: 201, body: 'créé' });
    expect(response.headers['x-reply']).toBe('yes');
    expect(server.requests).toEqual([
      expect.objectContaining({ method: 'PUT', url: '/send?a=1', body: 'héllo' }),
    ]);
    expect(server.requests[0]?.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'x-custom': 'v',
      'content-length': '6',
    });
  });

  it('returns 4xx, 5xx and redirects as responses, never following a redirect', async () => {
    server.reply(
      { status: 302, headers: { Location: 'http://169.254.169.254/' } },
      { status: 503, body: 'busy' },
    );
    const redirect = await http.request({
      method: 'GET',
      url: server.url('/a'),
      headers: {},
      timeoutMs: 2_000,
    });
    const unavailable = await http.request({
      method: 'GET',
      url: server.url('/b'),
      headers: {},
      timeoutMs: 2_000,
    });
    expect(redirect.status).toBe(302);
    expect(unavailable).toMatchObject({ status: 503, body: 'busy' });
    expect(server.requests.map((request) => request.url)).toEqual(['/a', '/b']);
  });

  it('refuses loopback unless allow-listed, before connecting', async () => {
    const strict = new NodeHttpClient();
    try {
      const error = await transportError(
        strict.request({ method: 'GET', url: server.url('/x?token=abc'), headers: {}, timeoutMs: 2_000 }),
      );
      expect(error.failure).toBe('refused');
      expect(error.message).toBe('127.0.0.1 is a loopback address (not allowed)');
      expect(server.requests).toHaveLength(0);
    } finally {
      strict.close();
    }
  });

  it('refuses non-http schemes and malformed URLs', async () => {
    for (const url of ['file:///etc/passwd', 'not a url']) {
      const error = await transportError(http.request({ method: 'GET', url, headers: {}, timeoutMs: 1_000 }));
      expect(error.failure).toBe('refused');
    }
  });

  it('times out a server that never answers', async () => {
    server.reply('hang');
    const error = await transportError(
      http.request({ method: 'POST', url: server.url('/slow'), headers: {}, body: 'x', timeoutMs: 100 }),
    );
    expect(error.failure).toBe('timeout');
    expect(error.message).toMatch(/^no response from 127\.0\.0\.1:\d+ within 100 ms$/);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection without the URL', async () => {
    const port = await closedPort();
    const error = await transportError(
      http.request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/p?q=secret`,
        headers: {},
        timeoutMs: 2_000,
      }),
    );
    expect(error.failure).toBe('connection');
    expect(error.message).toBe(`ECONNREFUSED talking to 127.0.0.1:${port}`);
  });

  it('reports a name that does not resolve as a DNS failure', async () => {
    const client = new NodeHttpClient({
      egress: new EgressGuard({
        resolve: () =>
          Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
      }),
    });
    const error = await transportError(
      client.request({ method: 'GET', url: 'http://nowhere.invalid/', headers: {}, timeoutMs: 1_000 }),
    );
    expect(error).toMatchObject({ failure: 'dns', message: 'cannot resolve nowhere.invalid (ENOTFOUND)' });
    client.close();
  });

  it('times out a DNS lookup that never finishes', async () => {
    const client = new NodeHttpClient({
      egress: new EgressGuard({ resolve: () => new Promise(() => undefined) }),
    });
    const error = await transportError(
      client.request({ method: 'GET', url: 'http://slow-dns.invalid/', headers: {}, timeoutMs: 50 }),
    );
    expect(error.failure).toBe('timeout');
    client.close();
  });

  it('cuts a long response body at the limit', async () => {
    const client = new NodeHttpClient({ egress: { allowHosts: ['127.0.0.1'] }, maxResponseBytes: 1_000 });
    server.reply({ body: 'x'.repeat(100_000) });
    const response = await client.request({
      method: 'GET',
      url: server.url(),
      headers: {},
      timeoutMs: 2_000,
    });
    expect(response.body).toBe('x'.repeat(1_000));
    client.close();
  });

  it('reuses connections between requests', async () => {
    await http.request({ method: 'GET', url: server.url('/1'), headers: {}, timeoutMs: 2_000 });
    await http.request({ method: 'GET', url: server.url('/2'), headers: {}, timeoutMs: 2_000 });
    expect(server.requests.map((request) => request.headers.connection)).toEqual([
      'keep-alive',
      'keep-alive',
    ]);
  });
});
