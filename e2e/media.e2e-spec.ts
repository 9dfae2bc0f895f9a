import { Topics } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';

const QUEUED = JSON.stringify({
  response: [{ code: '1001', description: 'Queued', transid: 'imi-media-1' }],
});
const PDF = { url: 'https://files.example.org/results/4411.pdf', contentType: 'application/pdf' };
const PHOTO = 'image/jpeg:https://files.example.org/photos/rash.jpg';

interface StoredMessage {
  status: string;
  text: string;
  attachments: { url: string; contentType?: string }[] | null;
}

/**
 * Messages with files, per channel type that carries them text-only or as a media field (ex, imi, smpp
 * set to append_url), routed to a channel that can carry them, refused with a reason where none can.
 */
describe('media messages', () => {
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let smsc: SmscSimulator;
  let aggregator: RecordingServer;
  let imiconnect: RecordingServer;
  let receiver: RecordingServer;
  let probe: TopicProbe;
  let workspace: TestWorkspace;
  const channels: Record<string, string> = {};

  beforeAll(async () => {
    aggregator = await RecordingServer.start();
    imiconnect = await RecordingServer.start();
    imiconnect.replyAlways({ status: 200, headers: { 'content-type': 'application/json' }, body: QUEUED });
    receiver = await RecordingServer.start();
    smsc = await new SmscSimulator({ systemId: 'e2e-media', password: 'mediapw1' }).start();
    const env = serviceEnv({
      EGRESS_ALLOW: '127.0.0.1',
      CONFIG_CACHE_MS: '0',
      RETRY_DELAYS_MS: '300',
      HTTP_TIMEOUT_MS: '2000',
    });
    services = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dispatcher', 'dispatcher-media-e2e', env),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-media-e2e', env),
      startInFreshGroup('smpp-binds', 'smpp-binds-media-e2e', { ...env, RECONCILE_INTERVAL_MS: '300' }),
    ]);
    [ingress, , tracker] = services;
    probe = await TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundStatus]);
    workspace = await createWorkspace(ingress.url, 'e2e media');
    const create = async (name: string, channel: Record<string, unknown>) => {
      channels[name] = (await createChannel(ingress.url, workspace.apiKey, channel)).uuid;
    };
    await create('ex', {
      type: 'ex',
      address: '+254700000050',
      config: { send_url: aggregator.url('/send'), content_type: 'json', method: 'POST', max_length: 640 },
    });
    await create('imi', { type: 'imi', address: '56767', config: { base_url: imiconnect.url('') } });
    const smpp = {
      type: 'smpp',
      address: '22000',
      secrets: { password: 'mediapw1' },
    };
    const bind = { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-media' };
    await create('smppAppend', {
      ...smpp,
      name: 'smpp append',
      config: { ...bind, attachments: 'append_url' },
    });
    await create('smppRefuse', { ...smpp, name: 'smpp refuse', config: bind });
    // +25471…: imi first, ex second; +25472…: imi alone.
    await api('POST', '/v1/routes', { prefix: '+25471', channels: [channels.imi, channels.ex] });
    await api('POST', '/v1/routes', { prefix: '+25472', channels: [channels.imi] });
  });

  afterAll(async () => {
    await Promise.all([
      ...(services ?? []).map((service) => service.stop()),
      probe?.stop(),
      smsc?.stop(),
      aggregator?.stop(),
      imiconnect?.stop(),
      receiver?.stop(),
    ]);
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${ingress.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function send(body: Record<string, unknown>): Promise<string> {
    const answer = await api('POST', '/v1/messages', body);
    expect(answer).toMatchObject({ status: 202, body: { messages: [{ status: 'accepted' }] } });
    return (answer.body.messages as { id: string }[])[0].id;
  }

  const stored = (id: string, status: string) =>
    waitFor(
      async () => {
        const response = await fetch(`${tracker.url}/v1/messages/${id}`, {
          headers: { authorization: `Bearer ${workspace.apiKey}` },
        });
        const message = response.status === 200 ? ((await response.json()) as StoredMessage) : undefined;
        return message?.status === status ? message : undefined;
      },
      { timeoutMs: 30_000, message: `message ${id} ${status} in dlr-tracker` },
    );

  it("ex: sends each file's URL on a line after the text, as courier does; tracks and calls back with them", async () => {
    const id = await send({
      to: '+254733000001',
      channel: channels.ex,
      text: 'Your results are ready',
      attachments: [PDF, PHOTO],
      notifyUrl: receiver.url('/status'),
      notifyOn: ['wired'],
    });
    const message = await stored(id, 'wired');
    const sent = aggregator.requests.filter((request) => request.body.includes(id));
    expect(sent.map((request) => (JSON.parse(request.body) as { text: string }).text)).toEqual([
      'Your results are ready\nhttps://files.example.org/results/4411.pdf\nhttps://files.example.org/photos/rash.jpg',
    ]);
    const attachments = [
      PDF,
      { url: 'https://files.example.org/photos/rash.jpg', contentType: 'image/jpeg' },
    ];
    expect(message).toMatchObject({ text: 'Your results are ready', attachments });
    const callback = await waitFor(() => receiver.requests.find((request) => request.body.includes(id)), {
      timeoutMs: 20_000,
      message: 'the wired callback',
    });
    expect(JSON.parse(callback.body)).toMatchObject({ id, status: 'wired', attachments });
  });

  it("imi: one file goes as IMIconnect's media-path, without a text too", async () => {
    const id = await send({ to: '+254733000002', channel: channels.imi, attachments: [PDF] });
    await probe.waitForEvent(Topics.outboundStatus, id, 'wired');
    const request = imiconnect.requests.find((r) => r.body.includes('254733000002'))!;
    expect(JSON.parse(request.body)).toMatchObject({
      channels: { sms: { text: '', 'media-path': PDF.url } },
      destination: [{ msisdn: ['254733000002'] }],
    });
  });

  it('smpp set to append_url: the SMSC gets the text and the URL', async () => {
    await waitFor(() => smsc.boundCount > 0 || undefined, { timeoutMs: 30_000, message: 'a bind' });
    const id = await send({
      to: '+254733000003',
      channel: channels.smppAppend,
      text: 'See the leaflet',
      attachments: [PDF],
    });
    await probe.waitForEvent(Topics.outboundStatus, id, 'sent');
    expect(
      smsc.submits.filter((submit) => submit.pdu.destination.addr === '254733000003').map((s) => s.text),
    ).toEqual(['See the leaflet\nhttps://files.example.org/results/4411.pdf']);
  });

  it('routes a message with files to the first channel of its rule that can carry them', async () => {
    const id = await send({ to: '+254711000004', text: 'Two files', attachments: [PDF, PHOTO] });
    await probe.waitForEvent(Topics.outboundStatus, id, 'wired');
    expect(aggregator.requests.some((request) => request.body.includes(id))).toBe(true);
    expect(imiconnect.requests.some((request) => request.body.includes('254711000004'))).toBe(false);
  });

  it('fails a message no channel of its rule can carry, with the reason', async () => {
    const id = await send({ to: '+254722000005', text: 'Two files', attachments: [PDF, PHOTO] });
    const failed = await probe.waitForEvent(Topics.outboundStatus, id, 'failed');
    expect(failed.value).toMatchObject({
      channel: channels.imi,
      detail: {
        reason: "attachments: an imi channel carries one file (IMIconnect's media-path); this message has 2",
      },
    });
  });

  it.each([
    [
      'a channel named that cannot carry files',
      () => ({ channel: channels.smppRefuse, attachments: [PDF] }),
      'attachments: smpp channels send no MMS: set config.attachments to "append_url" to send the files\' URLs in the text',
    ],
    [
      'a file on an internal address',
      () => ({ channel: channels.ex, attachments: ['http://10.0.0.7/leak.png'] }),
      'attachments.0.url: 10.0.0.7 is a private address (not allowed)',
    ],
    [
      'a file that is not http(s)',
      () => ({ attachments: ['ftp://files.example.org/a.pdf'] }),
      'attachments.0: must be an http(s) URL',
    ],
  ])('refuses %s with a 400 saying why', async (_case, body, message) => {
    expect(await api('POST', '/v1/messages', { to: '+254733000009', text: 'x', ...body() })).toMatchObject({
      status: 400,
      body: { message },
    });
  });
});
