import { HttpTransportError } from '@smsgate/egress';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatcherHttpClient } from './http-client';

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof HttpTransportError ? error.failure : error),
  );

describe("the dispatcher's HTTP client", () => {
  const client = dispatcherHttpClient({ EGRESS_ALLOW: [] });
  afterAll(() => client.close());

  // Loopback, unspecified and site-local, and 127.0.0.1 inside NAT64 and 6to4 addresses.
  it.each([
    'http://127.0.0.1:9/send',
    'http://0177.0.0.1/send',
    'http://[::]/send',
    'http://[::1]/send',
    'http://[fec0::1]/send',
    'http://[64:ff9b::7f00:1]/send',
    'http://[2002:7f00:1::]/send',
  ])('refuses %s without connecting', async (url) => {
    expect(
      await refusalOf(client.request({ method: 'POST', url, headers: {}, body: '{}', timeoutMs: 1_000 })),
    ).toBe('refused');
  });

  it('reaches an internal aggregator only when EGRESS_ALLOW lists it', async () => {
    let received = 0;
    const aggregator = createServer((request, response) => {
      received += 1;
      request.resume();
      response.end('ok');
    });
    await new Promise<void>((resolve) => aggregator.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(aggregator.address() as AddressInfo).port}/send`;
    const allowing = dispatcherHttpClient({ EGRESS_ALLOW: ['127.0.0.1'] });
    try {
      const request = { method: 'POST' as const, url, headers: {}, body: '{}', timeoutMs: 2_000 };
      expect(await refusalOf(client.request(request))).toBe('refused');
      expect(received).toBe(0);
      expect((await allowing.request(request)).status).toBe(200);
      expect(received).toBe(1);
    } finally {
      allowing.close();
      await new Promise((resolve) => aggregator.close(resolve));
    }
  });
});
