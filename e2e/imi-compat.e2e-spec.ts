import { Topics } from '@smsgate/contracts';
import {
  createChannel,
  createWorkspace,
  RecordingServer,
  imiSeedTemplateRequest,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  TopicProbe,
  waitFor,
} from '@smsgate/testing';

const QUEUED = JSON.stringify({ response: [{ code: '1001', description: 'Queued', transid: 'imi-1' }] });

/**
 * An app written for IMIconnect, moved to smsgate unchanged: its requests (the seed's, verbatim but for the
 * number) against ingress, with variables from a stored profile and a stored template, through dispatcher
 * to a fake IMIconnect (a plain HTTP server) that receives the text, priority, expiry and media-path.
 */
describe('IMIconnect drop-in: profiles, templates, priority and expiry', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let imiconnect: RecordingServer;
  let workspace: TestWorkspace;
  let sends: TopicProbe;

  beforeAll(async () => {
    const env = serviceEnv({ EGRESS_ALLOW: '127.0.0.1', CONFIG_CACHE_MS: '0', RETRY_DELAYS_MS: '300' });
    imiconnect = await RecordingServer.start();
    imiconnect.replyAlways({ status: 200, headers: { 'content-type': 'application/json' }, body: QUEUED });
    [ingress, dispatcher, sends] = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dispatcher', 'dispatcher-imi-compat-e2e', env),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [Topics.outboundRequested]),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e imi compat');
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'imi',
      config: { base_url: imiconnect.url('') },
    });
    expect((await api('POST', '/v1/routes', { channels: [channel.uuid] })).status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), dispatcher?.stop(), imiconnect?.stop(), sends?.stop()]);
  });

  const api = (method: string, path: string, body?: unknown, key: string | null = workspace.apiKey) =>
    fetch(`${ingress.url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const imi = (body: unknown) =>
    fetch(`${ingress.url}/resources/v1/messaging`, {
      method: 'POST',
      headers: { key: workspace.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const entries = async (response: Response) =>
    ((await response.json()) as { response: Record<string, string>[] }).response;
  /** The request the fake IMIconnect got for our message `id` (its correlationid). */
  const sentToImi = async (id: string) => {
    const find = () =>
      imiconnect.requests
        .map((request) => JSON.parse(request.body) as Record<string, unknown>)
        .find((body) => (body.destination as { correlationid: string }[])[0].correlationid === id);
    await waitFor(() => find() !== undefined, { timeoutMs: 20_000, message: `message ${id} at IMIconnect` });
    return find()!;
  };
  const smsOf = (body: Record<string, unknown>) => (body.channels as { sms: { text: string } }).sms;
  /** The send event of message `id`. */
  const sendEvent = async (id: string) =>
    (await sends.waitFor((message) => message.key === id)).value as Record<string, unknown>;

  describe('/v1/profiles', () => {
    it('creates, replaces, patches, reads, lists by page and deletes profiles by normalised number', async () => {
      const created = await api('PUT', '/v1/profiles/254711000001', {
        fields: { name: 'Amina', city: 'Nairobi' },
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ msisdn: '+254711000001', fields: { name: 'Amina' } });
      expect((await api('PUT', '/v1/profiles/+254711000001', { fields: { name: 'Amina W' } })).status).toBe(
        200,
      );
      const patched = await api('PATCH', '/v1/profiles/254711000001', {
        fields: { city: 'Mombasa', name: null },
      });
      expect(patched.status).toBe(200);
      expect(((await patched.json()) as { fields: unknown }).fields).toEqual({ city: 'Mombasa' });
      const got = await api('GET', `/v1/profiles/${encodeURIComponent('+254711000001')}`);
      expect(await got.json()).toMatchObject({ msisdn: '+254711000001', fields: { city: 'Mombasa' } });
      await api('PUT', '/v1/profiles/254711000002', { fields: {} });
      await api('PUT', '/v1/profiles/254711000003', { fields: {} });
      const first = (await (await api('GET', '/v1/profiles?limit=2')).json()) as {
        results: { msisdn: string }[];
        next: string;
      };
      expect(first.results.map((p) => p.msisdn)).toEqual(['+254711000001', '+254711000002']);
      const second = (await (
        await api('GET', `/v1/profiles?limit=2&cursor=${encodeURIComponent(first.next)}`)
      ).json()) as {
        results: { msisdn: string }[];
        next: string | null;
      };
      expect(second).toMatchObject({ results: [{ msisdn: '+254711000003' }], next: null });
      expect((await api('DELETE', '/v1/profiles/254711000003')).status).toBe(204);
      expect((await api('GET', '/v1/profiles/254711000003')).status).toBe(404);
      expect((await api('PATCH', '/v1/profiles/254711000003', { fields: { a: 'b' } })).status).toBe(404);
    });

    it.each([
      ['a number that is not one', '/v1/profiles/hello', { fields: {} }, 'msisdn hello: not a phone number'],
      [
        'a field name that is not a variable name',
        '/v1/profiles/254711000009',
        { fields: { 'a b': 'x' } },
        'fields.a b',
      ],
      [
        'a value over 1,000 characters',
        '/v1/profiles/254711000009',
        { fields: { a: 'x'.repeat(1_001) } },
        'fields.a',
      ],
      [
        'more than 100 fields',
        '/v1/profiles/254711000009',
        { fields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, 'x'])) },
        'at most 100 fields',
      ],
      [
        'NUL in a value (the edge rule)',
        '/v1/profiles/254711000009',
        '{"fields":{"a":"x\\u0000"}}',
        'U+0000',
      ],
      ['a field that is not a string', '/v1/profiles/254711000009', { fields: { a: 1 } }, 'fields.a'],
    ])('refuses %s with a 400 naming it', async (_case, path, body, reason) => {
      const response = await api('PUT', path, body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain(reason);
    });

    it('refuses a patch that would leave more than 100 fields with a 422, and any call without a key', async () => {
      const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'x']));
      await api('PUT', '/v1/profiles/254711000010', { fields: many });
      const response = await api('PATCH', '/v1/profiles/254711000010', { fields: { one: 'more' } });
      expect(response.status).toBe(422);
      expect((await api('GET', '/v1/profiles', undefined, null)).status).toBe(401);
    });
  });

  describe('/v1/templates', () => {
    it('keeps templates under the id the client chose, or one it generates', async () => {
      const mine = await api('POST', '/v1/templates', { id: 'welcome', body: 'Karibu $(name)' });
      expect(mine.status).toBe(201);
      expect((await api('POST', '/v1/templates', { id: 'welcome', body: 'again' })).status).toBe(409);
      const generated = (await (await api('POST', '/v1/templates', { body: 'Hello' })).json()) as {
        id: string;
      };
      expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        (await api('PUT', '/v1/templates/welcome', { name: 'Welcome', body: 'Karibu sana $(name)' })).status,
      ).toBe(200);
      expect(await (await api('GET', '/v1/templates/welcome')).json()).toMatchObject({
        id: 'welcome',
        name: 'Welcome',
        body: 'Karibu sana $(name)',
      });
      const list = (await (await api('GET', '/v1/templates?limit=200')).json()) as {
        results: { id: string }[];
      };
      expect(list.results.map((t) => t.id)).toEqual(expect.arrayContaining(['welcome', generated.id]));
      expect((await api('DELETE', `/v1/templates/${generated.id}`)).status).toBe(204);
      expect((await api('GET', `/v1/templates/${generated.id}`)).status).toBe(404);
      expect((await api('POST', '/v1/templates', { body: '' })).status).toBe(400);
      expect((await api('POST', '/v1/templates', { id: 'a/b', body: 'x' })).status).toBe(400);
    });

    it('sends a template from POST /v1/messages, and refuses an unknown one or a text beside it', async () => {
      await api('PUT', '/v1/templates/otp', { body: 'Your code is $(code)' });
      const response = await api('POST', '/v1/messages', {
        to: [{ to: '+254722000001', variables: { code: '4321' } }],
        template: 'otp',
      });
      expect(response.status).toBe(202);
      const [message] = ((await response.json()) as { messages: { id: string }[] }).messages;
      expect(smsOf(await sentToImi(message.id)).text).toBe('Your code is 4321');
      const unknown = await api('POST', '/v1/messages', { to: '+254722000001', template: 'nope' });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { message: string }).message).toBe('unknown template nope');
      const both = await api('POST', '/v1/messages', { to: '+254722000001', template: 'otp', text: 'x' });
      expect(both.status).toBe(400);
      await api('PUT', '/v1/profiles/254722000001', { fields: { code: '9876' } });
      const fromProfile = await api('POST', '/v1/messages', { to: '+254722000001', template: 'otp' });
      const [filled] = ((await fromProfile.json()) as { messages: { id: string }[] }).messages;
      expect(smsOf(await sentToImi(filled.id)).text).toBe('Your code is 9876');
    });
  });

  describe('POST /resources/v1/messaging', () => {
    it("fills the seed's variables request from the destination's profile", async () => {
      await api('PUT', '/v1/profiles/254733000001', {
        fields: { name: 'Wanjiru', email: 'wanjiru@example.org' },
      });
      const response = await imi({
        deliverychannel: 'sms',
        channels: { sms: { text: '$(name) $(email)', senderid: 'DEMOBK' } },
        destination: [{ msisdn: ['254733000001'] }],
      });
      expect(response.status).toBe(200);
      const [entry] = await entries(response);
      expect(entry).toMatchObject({ code: '1001', description: 'Queued' });
      expect(smsOf(await sentToImi(entry.transid))).toEqual({
        text: 'Wanjiru wanjiru@example.org',
        senderid: 'DEMOBK',
      });
    });

    it('answers 7003 naming the variable neither the request nor the profile gives', async () => {
      const response = await imi({
        deliverychannel: 'sms',
        channels: { sms: { text: '$(name) $(email)', senderid: 'DEMOBK' } },
        destination: [{ msisdn: ['254733000002'], name: 'Otieno' }],
      });
      expect(await entries(response)).toEqual([
        { code: '7003', description: 'msisdn +254733000002: no value for variable $(email)' },
      ]);
    });

    it("sends the seed's template request verbatim, its empty strings taken as not given", async () => {
      await api('PUT', '/v1/templates/1', { body: 'Hi $(name), greetings from MNOP bank.' });
      await api('PUT', '/v1/profiles/254733000003', { fields: { name: 'Steve' } });
      const response = await imi(imiSeedTemplateRequest('254733000003'));
      expect(response.status).toBe(200);
      const [entry] = await entries(response);
      expect(entry.code).toBe('1001');
      expect(smsOf(await sentToImi(entry.transid)).text).toBe('Hi Steve, greetings from MNOP bank.');
    });

    it('answers an unknown template with 7003', async () => {
      const response = await imi({
        deliverychannel: 'sms',
        message: { template: 'missing' },
        channels: { sms: {} },
        destination: [{ msisdn: ['254733000003'] }],
      });
      expect(response.status).toBe(400);
      expect(await entries(response)).toEqual([
        { code: '7003', description: "template 'missing' not found" },
      ]);
    });

    it("sends channels.sms.media-path as the message's attachment, after a text or alone", async () => {
      const url = 'https://files.example/leaflet.pdf';
      const response = await imi([
        {
          deliverychannel: 'sms',
          channels: { sms: { text: 'Your leaflet', senderid: 'DEMOBK', 'media-path': url } },
          destination: [{ msisdn: ['254733000005'] }],
        },
        {
          deliverychannel: 'sms',
          channels: { sms: { 'media-path': url } },
          destination: [{ msisdn: ['254733000006'] }],
        },
      ]);
      expect(response.status).toBe(200);
      const [withText, alone] = await entries(response);
      expect([withText.code, alone.code]).toEqual(['1001', '1001']);
      expect(await sendEvent(withText.transid)).toMatchObject({
        text: 'Your leaflet',
        attachments: [{ url }],
      });
      expect(await sendEvent(alone.transid)).toMatchObject({ text: '', attachments: [{ url }] });
    });

    it("hands a media-path to an imi channel's IMIconnect as channels.sms['media-path']", async () => {
      const url = 'https://files.example/map.png';
      const response = await imi([
        {
          deliverychannel: 'sms',
          channels: { sms: { text: 'The clinic', senderid: 'DEMOBK', 'media-path': url } },
          destination: [{ msisdn: ['254733000008'] }],
        },
        {
          deliverychannel: 'sms',
          channels: { sms: { 'media-path': url } },
          destination: [{ msisdn: ['254733000009'] }],
        },
      ]);
      const [withText, alone] = await entries(response);
      expect(smsOf(await sentToImi(withText.transid))).toEqual({
        text: 'The clinic',
        senderid: 'DEMOBK',
        'media-path': url,
      });
      expect(smsOf(await sentToImi(alone.transid))).toMatchObject({ text: '', 'media-path': url });
    });

    it('answers a media-path that is not an http(s) URL with 7003', async () => {
      const response = await imi({
        deliverychannel: 'sms',
        channels: { sms: { text: 'x', 'media-path': 'file:///etc/passwd' } },
        destination: [{ msisdn: ['254733000007'] }],
      });
      expect(response.status).toBe(400);
      expect(await entries(response)).toEqual([
        { code: '7003', description: "param 'media-path' must be an http(s) URL of at most 2048 characters" },
      ]);
    });

    it('passes priority and expiry on to the IMIconnect channel in its own format', async () => {
      const response = await imi({
        correlationid: 'sgh3tvk',
        notifydata: 'kopwest4kfr',
        expiry: '2030-04-12T18:51:19',
        priority: '3',
        deliverychannel: 'sms',
        channels: { sms: { text: 'Sending first SMS using IMIconnect', senderid: 'DEMOBK' } },
        destination: [{ msisdn: ['254733000004'], correlationid: 'sgh3tvkpert' }],
      });
      const [entry] = await entries(response);
      expect(await sentToImi(entry.transid)).toMatchObject({
        priority: '3',
        expiry: '2030-04-12T18:51:19.000Z',
        channels: { sms: { text: 'Sending first SMS using IMIconnect', senderid: 'DEMOBK' } },
      });
    });
  });
});
