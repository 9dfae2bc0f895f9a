import type { NodeHttpClient } from '@smsgate/egress';
import {
  CHANNEL_ID,
  MESSAGE_ID,
  adapterChannel,
  expectNoSecrets,
  outboundMessage,
  useRecordingServer,
} from '../../outbound/adapter-fixtures.testing';
import type { RecordingServer } from '@smsgate/testing';
import { ImiAdapter } from './imi.adapter';

const SECRETS = { service_key: 'c2VydmljZS1rZXktMTIz' };
const TRANSID = 'f9793c83-f0b7-4200-99d9-20111c507baf';

const queued = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    response: [
      { code: '1001', description: 'Queued', transid: TRANSID, correlationid: MESSAGE_ID, ...overrides },
    ],
  });

describe('ImiAdapter', () => {
  let server: RecordingServer;
  let http: NodeHttpClient;
  const adapter = new ImiAdapter({ timeoutMs: 2_000 });

  useRecordingServer((local) => ({ server, http } = local));

  const send = (
    config: Record<string, unknown> = {},
    secrets: Record<string, string> = SECRETS,
    text?: string,
  ) =>
    adapter.send(
      outboundMessage(text === undefined ? {} : { text }),
      adapterChannel({ base_url: server.url(''), ...config }, secrets),
      http,
    );

  it('posts the seed request to /resources/v1/messaging with the service key', async () => {
    server.reply({ status: 200, body: queued() });
    await send();
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/resources/v1/messaging' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.key).toBe(SECRETS.service_key);
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({
      deliverychannel: 'sms',
      channels: { sms: { text: 'Love is patient. Love is kind.', senderid: '+5582999489287' } },
      destination: [{ msisdn: ['250788123123'], correlationid: MESSAGE_ID }],
    });
  });

  it.each([
    ['high', '3'],
    ['normal', '2'],
    ['bulk', '1'],
  ] as const)(
    'passes priority %s on as IMIconnect priority %s, and the expiry as a UTC instant',
    async (priority, imi) => {
      server.reply({ status: 200, body: queued() });
      const message = outboundMessage({ priority, expiresAt: '2030-04-12T18:30:19.456+05:30' });
      await adapter.send(message, adapterChannel({ base_url: server.url('') }, SECRETS), http);
      expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
        priority: imi,
        expiry: '2030-04-12T13:00:19.456Z',
      });
    },
  );

  it('names the message in a dedupe header beside its correlationid, one part', async () => {
    server.replyAlways({ status: 200, body: queued() });
    await send();
    await send();
    expect(server.requests.map((request) => request.headers['x-smsgate-message-id'])).toEqual([
      MESSAGE_ID,
      MESSAGE_ID,
    ]);
    expect(server.requests[0]?.headers['x-smsgate-part']).toBe('1/1');
  });

  it('adds notifyurl when configured and joins a base URL with a path or trailing slash', async () => {
    server.reply({ status: 200, body: queued() });
    await send({ base_url: server.url('/imi/'), notify_url: 'https://gw.example.com/c/imi/dr' });
    expect(server.requests[0]?.url).toBe('/imi/resources/v1/messaging');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
      notifyurl: 'https://gw.example.com/c/imi/dr',
    });
  });

  it("points notifyurl at the channel's DR notify URL on ingress when the channel names none", async () => {
    const withIngress = new ImiAdapter({ ingressPublicUrl: 'https://sms.example.org/' });
    server.reply({ status: 200, body: queued() }, { status: 200, body: queued() });
    await withIngress.send(outboundMessage(), adapterChannel({ base_url: server.url('') }, SECRETS), http);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
      notifyurl: `https://sms.example.org/c/imi/${CHANNEL_ID}/status`,
    });
    const named = adapterChannel({ base_url: server.url(''), notify_url: 'https://dr.example/x' }, SECRETS);
    await withIngress.send(outboundMessage(), named, http);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toMatchObject({ notifyurl: 'https://dr.example/x' });
  });

  it('sends long text as one message: IMIconnect segments it', async () => {
    server.reply({ status: 200, body: queued() });
    const text = 'x'.repeat(500);
    expect(await send({}, SECRETS, text)).toMatchObject({ kind: 'accepted', parts: 1 });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ channels: { sms: { text } } });
  });

  it('leaves senderid out when there is no sender, so the service default applies', async () => {
    server.reply({ status: 200, body: queued() });
    await adapter.send(
      outboundMessage({ from: '' }),
      { ...adapterChannel({ base_url: server.url('') }, SECRETS), address: null },
      http,
    );
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
      channels: { sms: { text: expect.any(String) } },
    });
    expect(server.requests[0]?.body).not.toContain('senderid');
  });

  it('accepts code 1001 with the transid as the provider message id', async () => {
    server.reply({ status: 200, body: queued() });
    expect(await send()).toEqual({
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: [TRANSID],
      parts: 1,
      detail: { code: '1001', description: 'Queued' },
    });
  });

  it('accepts a numeric code too', async () => {
    server.reply({ status: 200, body: queued({ code: 1001 }) });
    expect(await send()).toMatchObject({ kind: 'accepted', providerMessageIds: [TRANSID] });
  });

  it('fails any other code with the code and description', async () => {
    server.reply({
      status: 200,
      body: queued({ code: '1002', description: 'Invalid destination', transid: '' }),
    });
    expect(await send()).toEqual({
      kind: 'failed',
      reason: 'IMIconnect 1002: Invalid destination',
      detail: { code: '1002', description: 'Invalid destination' },
    });
  });

  it('fails a 2xx that is not an IMIconnect answer', async () => {
    server.reply({ status: 200, body: '<html>ok</html>' });
    expect(await send()).toMatchObject({
      kind: 'failed',
      reason: 'unexpected IMIconnect response (no response[0].code)',
      detail: { status: 200, body: '<html>ok</html>' },
    });
  });

  it('fails a 4xx, keeping the IMIconnect code when there is one', async () => {
    server.reply({
      status: 401,
      body: JSON.stringify({ response: [{ code: '1012', description: 'Invalid key' }] }),
    });
    expect(await send()).toMatchObject({
      kind: 'failed',
      reason: 'HTTP 401',
      detail: { status: 401, code: '1012', description: 'Invalid key' },
    });
  });

  it.each([500, 503])('retries %i', async (status) => {
    server.reply({ status });
    expect(await send()).toMatchObject({ kind: 'retry', reason: `HTTP ${status}` });
  });

  it('retries 429 with Retry-After', async () => {
    server.reply({ status: 429, headers: { 'Retry-After': '2' } });
    expect(await send()).toMatchObject({ kind: 'retry', retryAfterMs: 2_000 });
  });

  it('retries a timeout', async () => {
    server.reply('hang');
    const quick = new ImiAdapter({ timeoutMs: 100 });
    const result = await quick.send(
      outboundMessage(),
      adapterChannel({ base_url: server.url('') }, SECRETS),
      http,
    );
    expect(result).toMatchObject({ kind: 'retry', detail: { transport: 'timeout' } });
  });

  it('fails without a request when the service key is missing', async () => {
    expect(await send({}, {})).toEqual({ kind: 'failed', reason: 'missing secret service_key' });
    expect(server.requests).toHaveLength(0);
  });

  it('never returns the service key, even when IMIconnect echoes it', async () => {
    server.reply({
      status: 403,
      body: JSON.stringify({
        response: [{ code: '1013', description: `key ${SECRETS.service_key} disabled` }],
      }),
    });
    const result = await send();
    expect(result).toMatchObject({ detail: { description: 'key [redacted] disabled' } });
    expectNoSecrets(result, SECRETS);
  });
});
