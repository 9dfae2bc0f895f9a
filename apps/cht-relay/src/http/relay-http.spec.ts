import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransportError } from './http-client';
import { Exchange, RelayHttp } from './relay-http';

describe('RelayHttp', () => {
  let server: Server;
  let base: string;
  const hanging: (() => void)[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hang') {
        hanging.push(() => response.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(request.url === '/redirect' ? 302 : 201, { location: 'http://169.254.169.254/' });
        response.end(
          `${request.method} ${request.headers.authorization ?? ''} ${Buffer.concat(chunks).toString()}`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const close of hanging) close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const allowed = () => new RelayHttp({ EGRESS_ALLOW: ['127.0.0.1'], HTTP_TIMEOUT_MS: 500 });
  const response = (exchange: Exchange) => {
    if (!exchange.ok) throw exchange.error;
    return exchange.response;
  };
  const failure = (exchange: Exchange) => {
    if (exchange.ok) throw new Error(`answered ${exchange.response.status}`);
    return exchange.error;
  };

  it('returns any status as a response, with the body', async () => {
    const client = allowed();
    const exchange = await client.send({
      method: 'POST',
      url: `${base}/x`,
      headers: { authorization: 'Token k' },
      body: 'a=1',
    });
    expect(response(exchange)).toEqual({ status: 201, body: 'POST Token k a=1' });
    client.onApplicationShutdown();
  });

  it('does not follow redirects', async () => {
    const client = allowed();
    expect(response(await client.send({ method: 'GET', url: `${base}/redirect` })).status).toBe(302);
    client.onApplicationShutdown();
  });

  it('refuses loopback unless allowed, naming the host but not the path', async () => {
    const client = new RelayHttp({ EGRESS_ALLOW: [], HTTP_TIMEOUT_MS: 500 });
    const error = failure(await client.send({ method: 'GET', url: `${base}/secret-path?key=k` }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.failure).toBe('refused');
    expect(error.message).not.toContain('secret-path');
    client.onApplicationShutdown();
  });

  // Loopback, unspecified and site-local, and 127.0.0.1 inside NAT64 and 6to4 addresses.
  it.each(['http://[::]/', 'http://[fec0::1]/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/'])(
    'refuses %s as a CHT or RapidPro target',
    async (url) => {
      const client = new RelayHttp({ EGRESS_ALLOW: [], HTTP_TIMEOUT_MS: 500 });
      expect(failure(await client.send({ method: 'GET', url })).failure).toBe('refused');
      client.onApplicationShutdown();
    },
  );

  it('times out a server that never answers', async () => {
    const client = allowed();
    expect(failure(await client.send({ method: 'GET', url: `${base}/hang` })).failure).toBe('timeout');
    client.onApplicationShutdown();
  });

  it('reports a connection failure', async () => {
    const client = allowed();
    expect(failure(await client.send({ method: 'GET', url: 'http://127.0.0.1:1/' })).failure).toBe(
      'connection',
    );
    client.onApplicationShutdown();
  });
});
