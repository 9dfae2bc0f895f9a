import { PayloadInput, Topics, uuidv7 } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  RecordingServer,
  RINGOTEL_SEED,
  ringotelSeedTemplate,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  testProducer,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';
import { Producer } from 'kafkajs';

type Requested = PayloadInput<typeof Topics.outboundRequested>;

const FILES = [
  { url: 'https://your.server.com/files/8a8d89798as9ud.jpeg', contentType: 'image/jpeg' },
  { url: 'https://your.server.com/files/menu.pdf?v=2&lang=en', name: 'menu.pdf' },
];

/**
 * Files both ways on a template channel set up from Ringotel's guide: a send event with a text and two
 * attachments goes out as one SendMessage and two SendFile requests (the file's URL as `media_url`),
 * and the provider's `file` event comes in as a message with an attachment. The send event is
 * produced on Kafka, as an internal app would.
 */
describe('media on a Ringotel template channel', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let tracker: ServiceProcess;
  let probe: TopicProbe;
  let producer: Producer;
  let provider: RecordingServer;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    const env = serviceEnv({ EGRESS_ALLOW: '127.0.0.1', CONFIG_CACHE_MS: '0' });
    provider = await RecordingServer.start();
    producer = testProducer('media-template-e2e');
    [ingress, dispatcher, tracker, probe] = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dispatcher', 'dispatcher-media-template-e2e', env),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-media-template-e2e', env),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundStatus, Topics.inboundReceived]),
      producer.connect(),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e media template');
  });

  afterAll(async () => {
    await Promise.all([
      ingress?.stop(),
      dispatcher?.stop(),
      tracker?.stop(),
      probe?.stop(),
      producer?.disconnect(),
      provider?.stop(),
    ]);
  });

  // Replies left queued by a test that failed must not answer the next one's requests.
  beforeEach(() => provider.reset());

  const SETTINGS = { extension: '101', domain: 'pbx.example.com' };
  const seedChannel = (withSendFile = true) => {
    const config = ringotelSeedTemplate(provider.url('/webhook'), SETTINGS);
    const { SendFile: _file, ...textOnly } = config.API as Record<string, unknown>;
    return createChannel(ingress.url, workspace.apiKey, {
      type: 'template',
      country: 'AU',
      address: '+61855555555',
      config: withSendFile ? config : { ...config, API: textOnly },
    });
  };
  const publish = async (request: Requested) => {
    await producer.send({
      topic: Topics.outboundRequested,
      acks: -1,
      messages: [{ key: request.id, value: JSON.stringify(request) }],
    });
  };
  const stored = (id: string, until: (message: Record<string, unknown>) => boolean) =>
    waitFor(
      async () => {
        const response = await fetch(`${tracker.url}/v1/messages/${id}`, {
          headers: { authorization: `Bearer ${workspace.apiKey}` },
        });
        if (response.status !== 200) return undefined;
        const message = (await response.json()) as Record<string, unknown>;
        return until(message) ? message : undefined;
      },
      { message: `message ${id} in dlr-tracker` },
    );

  it('sends the text through SendMessage and each file through SendFile, in order', async () => {
    const channel = await seedChannel();
    const reply = (id: string) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { id } }),
    });
    provider.reply(reply('rg-text'), reply('rg-file-1'), reply('rg-file-2'));
    const id = uuidv7();
    await publish({
      id,
      workspace: workspace.id,
      channel: channel.uuid,
      to: '+61123456789',
      text: 'Here is the menu',
      attachments: FILES,
    });

    // One wired status per request, each with the provider's id from its own response_map.
    const wired = await waitFor(() => {
      const events = probe
        .find((m) => m.topic === Topics.outboundStatus)
        .map((m) => m.value as { id?: string; status?: string; providerMessageId?: string })
        .filter((value) => value.id === id && value.status === 'wired');
      return events.length === 3 ? events : undefined;
    });
    expect(wired.map((value) => value.providerMessageId).sort()).toEqual([
      'rg-file-1',
      'rg-file-2',
      'rg-text',
    ]);
    const requests = provider.requests.filter((r) => r.headers['x-smsgate-message-id'] === id);
    expect(requests.map((r) => [r.method, r.url, r.headers['x-smsgate-part']])).toEqual([
      ['POST', '/webhook', '1/3'],
      ['POST', '/webhook', '2/3'],
      ['POST', '/webhook', '3/3'],
    ]);
    const common = { from: '+61855555555', to: '+61123456789', ...SETTINGS };
    expect(requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { ...common, content: 'Here is the menu' },
      { ...common, media_url: FILES[0].url },
      { ...common, media_url: FILES[1].url },
    ]);
    for (const request of requests) expect(request.headers['content-type']).toBe('application/json');

    const message = await stored(id, (m) => m.status === 'wired' && (m.parts as unknown[]).length === 3);
    expect(message).toMatchObject({
      direction: 'out',
      channel: channel.uuid,
      text: 'Here is the menu',
      status: 'wired',
      attachments: FILES,
      partCount: 3,
      parts: [
        { index: 0, status: 'wired', providerMessageId: 'rg-text' },
        { index: 1, status: 'wired', providerMessageId: 'rg-file-1' },
        { index: 2, status: 'wired', providerMessageId: 'rg-file-2' },
      ],
    });
  });

  it('sends a message of a file alone as one SendFile request', async () => {
    const channel = await seedChannel();
    provider.reply({ status: 200, body: '{"data":{"id":"rg-only"}}' });
    const id = uuidv7();
    await publish({
      id,
      workspace: workspace.id,
      channel: channel.uuid,
      to: '+61123456789',
      text: '',
      attachments: [FILES[0]],
    });
    const wired = await probe.waitForEvent(Topics.outboundStatus, id, 'wired');
    expect(wired.value).toMatchObject({ providerMessageId: 'rg-only' });
    const requests = provider.requests.filter((r) => r.headers['x-smsgate-message-id'] === id);
    expect(requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { from: '+61855555555', to: '+61123456789', ...SETTINGS, media_url: FILES[0].url },
    ]);
    expect(await stored(id, (m) => m.status === 'wired')).toMatchObject({
      text: '',
      attachments: [FILES[0]],
    });
  });

  it('fails files on a template without SendFile, saying why, and sends nothing', async () => {
    const channel = await seedChannel(false);
    const before = provider.requests.length;
    const id = uuidv7();
    await publish({
      id,
      workspace: workspace.id,
      channel: channel.uuid,
      to: '+61123456789',
      text: 'menu',
      attachments: FILES,
    });
    const failed = await probe.waitForEvent(Topics.outboundStatus, id, 'failed');
    expect((failed.value as { detail: { reason: string } }).detail.reason).toContain(
      "the channel's template has no API.SendFile to send files with",
    );
    expect(provider.requests.length).toBe(before);
    expect(await stored(id, (m) => m.status === 'failed')).toMatchObject({ attachments: FILES });
  });

  it("takes the provider's file event as an inbound message with the file as its attachment", async () => {
    const channel = await seedChannel();
    const response = await fetch(channel.inboundUrls.file, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: RINGOTEL_SEED.fileBody,
    });
    expect(response.status).toBe(200);
    const id = ((await response.json()) as { id: string }).id;
    const url = 'https://your.server.com/files/8a8d89798as9ud.jpeg';
    expect((await probe.waitForEvent(Topics.inboundReceived, id)).value).toMatchObject({
      channel: channel.uuid,
      text: 'Sending a file',
      attachments: [{ url }],
      metadata: { mediaUrl: url },
    });

    const listed = await waitFor(async () => {
      const page = await fetch(`${tracker.url}/v1/messages?direction=in&channel=${channel.uuid}`, {
        headers: { authorization: `Bearer ${workspace.apiKey}` },
      });
      const { data } = (await page.json()) as { data: Record<string, unknown>[] };
      return data.find((message) => message.id === id);
    });
    expect(listed).toMatchObject({
      direction: 'in',
      from: '+61855555555',
      to: '+61123456789',
      text: 'Sending a file',
      status: 'received',
      attachments: [{ url }],
    });
  });

  it('answers a file event whose url is no http(s) URL with a 400 saying so, and publishes nothing', async () => {
    const channel = await seedChannel();
    const response = await fetch(channel.inboundUrls.file, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: RINGOTEL_SEED.fileBody.replace('https://your.server.com/', 'file:///etc/'),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(
      "'url' must be an http(s) URL of at most 2048 characters",
    );
  });
});
