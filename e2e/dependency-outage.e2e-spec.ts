import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  TestChannel,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';
import { TcpProxy } from './support/tcp-proxy';

/**
 * PostgreSQL goes away under a running ingress: requests that need it answer 503 with Retry-After and a
 * reason (in the route's own shape), never a 500, the process lives on, and all is well once it is back.
 */
describe('PostgreSQL outage', () => {
  let proxy: TcpProxy;
  let ingress: ServiceProcess;
  let unused: TestWorkspace;
  let workspace: TestWorkspace;
  let channel: TestChannel;

  beforeAll(async () => {
    const database = new URL(process.env.DATABASE_URL!);
    proxy = await TcpProxy.start({ host: database.hostname, port: Number(database.port) });
    const throughProxy = new URL(database);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    ingress = await ServiceProcess.start('ingress', serviceEnv({ DATABASE_URL: throughProxy.toString() }));
    workspace = await createWorkspace(ingress.url, 'outage');
    channel = await createChannel(ingress.url, workspace.apiKey);
    // Never used before the outage: its key is not in ingress's cache, so resolving it needs PostgreSQL.
    unused = await createWorkspace(ingress.url, 'outage unused');
  });

  afterAll(async () => {
    await ingress?.stop();
    await proxy?.cut();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${ingress.url}${path}`, { method: 'POST', body, headers });

  it('answers 503 with Retry-After and a reason while PostgreSQL is away, and serves again once it is back', async () => {
    await proxy.cut();
    const send = await post('/v1/messages', JSON.stringify({ to: '+254712345678', text: 'hi' }), {
      authorization: `Bearer ${unused.apiKey}`,
      'content-type': 'application/json',
    });
    expect(send.status).toBe(503);
    expect(send.headers.get('retry-after')).toBe('5');
    expect(await send.json()).toEqual({
      statusCode: 503,
      message: 'the database is unavailable right now; retry shortly',
    });

    const receive = await post(`/c/ex/${channel.uuid}/receive`, 'from=%2B254712345678&text=hi', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(receive.status).toBe(503);
    expect(receive.headers.get('retry-after')).toBe('5');
    expect(await receive.json()).toEqual({
      message: 'Error',
      data: [{ type: 'error', error: 'the database is unavailable right now; retry shortly' }],
    });

    const created = await post('/v1/workspaces', JSON.stringify({ name: 'during outage' }), {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/json',
    });
    expect(created.status).toBe(503);

    expect((await fetch(`${ingress.url}/health/live`)).status).toBe(200);
    expect(ingress.output).not.toMatch(/"level":"error".*"context":"http"/);
    expect(ingress.output).toMatch(/"level":"warn".*POST \/v1\/messages 503: the database is unavailable/);

    await proxy.restore();
    await waitFor(
      async () =>
        (
          await post('/v1/messages', JSON.stringify({ to: '+254712345678', text: 'hi' }), {
            authorization: `Bearer ${unused.apiKey}`,
            'content-type': 'application/json',
          })
        ).status === 202,
      { timeoutMs: 30_000, message: 'ingress to serve again once PostgreSQL is back' },
    );
  });
});
