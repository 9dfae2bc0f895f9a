import { Topics } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  RecordingServer,
  RINGOTEL_SEED,
  ringotelSeedTemplate,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';

/**
 * A Ringotel set-up moved over unchanged: the template from Ringotel's guide pasted verbatim, with the
 * values Ringotel fills itself ($extension$, $domain$) in the channel's settings; the provider's API
 * (a recording server) receives our send, and the provider posts the guide's webhook bodies to the one
 * URL Ringotel gives it, naming the event in the body.
 */
describe('Ringotel no-code template, as its guide prints it', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let probe: TopicProbe;
  let provider: RecordingServer;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    const env = serviceEnv({ EGRESS_ALLOW: '127.0.0.1', CONFIG_CACHE_MS: '0' });
    provider = await RecordingServer.start();
    [ingress, dispatcher, probe] = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dispatcher', 'dispatcher-ringotel-e2e', env),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundStatus, Topics.inboundReceived]),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e ringotel');
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), dispatcher?.stop(), probe?.stop(), provider?.stop()]);
  });

  const seedChannel = () =>
    createChannel(ingress.url, workspace.apiKey, {
      type: 'template',
      country: 'AU',
      address: '+61855555555',
      config: ringotelSeedTemplate(provider.url('/webhook'), { extension: '101', domain: 'pbx.example.com' }),
    });
  const postRaw = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('refuses the pasted template without settings, naming the placeholders and where to fill them', async () => {
    const { settings: _none, ...bare } = ringotelSeedTemplate(provider.url('/webhook'), {});
    const response = await fetch(`${ingress.url}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'template', name: 'ringotel', country: 'AU', config: bare }),
    });
    expect(response.status).toBe(400);
    const text = JSON.stringify(await response.json());
    expect(text).toContain('unknown placeholder $extension$');
    expect(text).toContain('unknown placeholder $domain$');
    expect(text).toContain('add \\"domain\\" to config.settings');
  });

  it("sends with the settings' values filled in and reads the provider's id from the response_map", async () => {
    provider.replyAlways({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"data":{"id":"rg-7781"}}',
    });
    const channel = await seedChannel();
    const sent = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+61123456789', text: 'Hello from smsgate', channel: channel.uuid }),
    });
    expect(sent.status).toBe(202);
    const id = ((await sent.json()) as { messages: { id: string }[] }).messages[0].id;
    const wired = await probe.waitForEvent(Topics.outboundStatus, id, 'wired');
    expect(wired.value).toMatchObject({ channel: channel.uuid, providerMessageId: 'rg-7781' });
    const request = await waitFor(() =>
      provider.requests.find((r) => r.headers['x-smsgate-message-id'] === id),
    );
    expect(request.url).toBe('/webhook');
    expect(JSON.parse(request.body)).toEqual({
      from: '+61855555555',
      to: '+61123456789',
      extension: '101',
      domain: 'pbx.example.com',
      content: 'Hello from smsgate',
    });
  });

  it.each(['', '/'])("takes the guide's webhook bodies at the channel's one URL%s", async (slash) => {
    const channel = await seedChannel();
    expect(channel.inboundUrls['*']).toMatch(new RegExp(`/c/template/${channel.uuid}$`));
    const url = `${channel.inboundUrls['*']}${slash}`;

    const message = await postRaw(url, RINGOTEL_SEED.messageBody);
    expect(message.status).toBe(200);
    const messageId = ((await message.json()) as { id: string }).id;
    expect((await probe.waitForEvent(Topics.inboundReceived, messageId)).value).toMatchObject({
      channel: channel.uuid,
      from: '+61855555555',
      to: '+61123456789',
      text: 'Hello there!',
    });

    const file = await postRaw(url, RINGOTEL_SEED.fileBody);
    expect(file.status).toBe(200);
    const fileId = ((await file.json()) as { id: string }).id;
    expect((await probe.waitForEvent(Topics.inboundReceived, fileId)).value).toMatchObject({
      text: 'Sending a file',
      attachments: [{ url: 'https://your.server.com/files/8a8d89798as9ud.jpeg' }],
      metadata: { mediaUrl: 'https://your.server.com/files/8a8d89798as9ud.jpeg' },
    });

    // The per-event URLs keep working beside it.
    expect((await postRaw(channel.inboundUrls.message, RINGOTEL_SEED.messageBody)).status).toBe(200);
  });

  it('answers an event key no model has with a 400 naming it', async () => {
    const channel = await seedChannel();
    const response = await postRaw(
      channel.inboundUrls['*'],
      '{"method":"typing","params":{"from":"+61855555555"}}',
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(`'method' is \\"typing\\"`);
  });
});
