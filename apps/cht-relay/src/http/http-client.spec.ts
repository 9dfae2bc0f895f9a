import { EgressGuard } from '@smsgate/egress';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RelayHttpClient, TransportError } from './http-client';

describe('RelayHttpClient', () => {
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

  const allowed = () => new RelayHttpClient(new EgressGuard({ allowHosts: ['127.0.0.1'] }), 500);

  it('returns any status as a response, with the body', async () => {
    const client = allowed();
    const response = await client.request({
      method: 'POST',
      url: `${base}/x`,
      headers: { authorization: 'Token k' },
      body: 'a=1',
    });
    expect(response).toEqual({ status: 201, body: 'POST Token k a=1' });
    client.close();
  });

  it('does not follow redirects', async () => {
    const client = allowed();
    expect((await client.request({ method: 'GET', url: `${base}/redirect` })).status).toBe(302);
    client.close();
  });

  it('refuses loopback unless allowed, naming the host but not the path', async () => {
    const client = new RelayHttpClient(new EgressGuard(), 500);
    const error = await client
      .request({ method: 'GET', url: `${base}/secret-path?key=k` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).failure).toBe('refused');
    expect((error as TransportError).message).not.toContain('secret-path');
    client.close();
  });

  it('times out a server that never answers', async () => {
    const client = allowed();
    const error = await client.request({ method: 'GET', url: `${base}/hang` }).catch((e: unknown) => e);
    expect((error as TransportError).failure).toBe('timeout');
    client.close();
  });

  it('reports a connection failure', async () => {
    const client = allowed();
    const error = await client
      .request({ method: 'GET', url: 'http://127.0.0.1:1/' })
      .catch((e: unknown) => e);
    expect((error as TransportError).failure).toBe('connection');
    client.close();
  });
});
