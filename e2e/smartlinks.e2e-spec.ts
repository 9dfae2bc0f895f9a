import type { Client } from 'pg';
import {
  connectTestDatabase,
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';

const TARGET = 'https://example.org/gift?campaign=e2e';
const HANDSET = 'Mozilla/5.0 (Linux; Android 14) e2e-handset';

/**
 * IMIconnect smartlinks as an app written for IMIconnect uses them: its link stored over /v1/smartlinks,
 * seed 002's "SMS with Smartlink" request sent as it is, the aggregator given a text with a short URL,
 * a handset following it, and the click in the message's history and the stats.
 */
describe('IMIconnect smartlinks', () => {
  let ingress: ServiceProcess;
  let dispatcher: ServiceProcess;
  let tracker: ServiceProcess;
  let aggregator: RecordingServer;
  let workspace: TestWorkspace;
  let db: Client;

  beforeAll(async () => {
    const env = serviceEnv({ EGRESS_ALLOW: '127.0.0.1', CONFIG_CACHE_MS: '0' });
    aggregator = await RecordingServer.start();
    [ingress, dispatcher, tracker, db] = await Promise.all([
      ServiceProcess.start('ingress', env),
      startInFreshGroup('dispatcher', 'dispatcher-smartlinks-e2e', env),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-smartlinks-e2e', env),
      connectTestDatabase(),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e smartlinks');
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000099',
      config: { send_url: aggregator.url('/send'), content_type: 'json', method: 'POST' },
    });
    const route = await api(ingress.url, 'POST', '/v1/routes', { channels: [channel.uuid] });
    expect(route.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), dispatcher?.stop(), tracker?.stop(), aggregator?.stop(), db?.end()]);
  });

  const api = (base: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${workspace.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const imi = (body: unknown) =>
    fetch(`${ingress.url}/resources/v1/messaging`, {
      method: 'POST',
      headers: { key: workspace.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** Seed 002's "SMS with Smartlink", with a real number. */
  const seedRequest = (msisdn: string) => ({
    channels: {
      smartlinks: [{ linkid: 5, validity: 30 }],
      sms: {
        type: 1,
        text: 'Sending first SMS with smart link using IMIconnect. Click the link to get surprise gift {{link_5}}',
        senderid: 'DEMOBK',
      },
    },
    destination: [{ msisdn: [msisdn] }],
  });
  const sentText = async (messageId: string) => {
    const request = await waitFor(() => aggregator.requests.find((r) => r.body.includes(messageId)), {
      message: `the aggregator to get message ${messageId}`,
    });
    return (JSON.parse(request.body) as { text: string }).text;
  };
  const shortUrlIn = (text: string) => {
    const match = /(http:\/\/\S+\/l\/([0-9A-Za-z]{10}))$/.exec(text);
    if (!match) throw new Error(`no short URL in ${text}`);
    return { url: match[1], code: match[2] };
  };
  const follow = (url: string) => fetch(url, { redirect: 'manual', headers: { 'user-agent': HANDSET } });

  it('stores, lists, fetches, updates and deletes links, and refuses bad ones with a reason', async () => {
    expect((await api(ingress.url, 'POST', '/v1/smartlinks', { linkid: 'temp', url: TARGET })).status).toBe(
      201,
    );
    const duplicate = await api(ingress.url, 'POST', '/v1/smartlinks', { linkid: 'temp', url: TARGET });
    expect(duplicate.status).toBe(409);
    const updated = await api(ingress.url, 'PUT', '/v1/smartlinks/temp', { url: 'http://example.org/new' });
    expect(await updated.json()).toMatchObject({ linkid: 'temp', url: 'http://example.org/new' });
    expect(await (await api(ingress.url, 'GET', '/v1/smartlinks/temp')).json()).toMatchObject({
      url: 'http://example.org/new',
    });
    const listed = (await (await api(ingress.url, 'GET', '/v1/smartlinks')).json()) as { results: unknown[] };
    expect(listed.results).toEqual([expect.objectContaining({ linkid: 'temp' })]);
    expect((await api(ingress.url, 'DELETE', '/v1/smartlinks/temp')).status).toBe(204);
    expect((await api(ingress.url, 'GET', '/v1/smartlinks/temp')).status).toBe(404);
    expect((await api(ingress.url, 'PUT', '/v1/smartlinks/temp', { url: TARGET })).status).toBe(404);

    for (const [body, field] of [
      [{ linkid: 6, url: 'ftp://example.org/file' }, 'url'],
      [{ linkid: 6, url: `https://example.org/${'x'.repeat(2_100)}` }, 'url'],
      [{ linkid: 'a b', url: TARGET }, 'linkid'],
      [{ linkid: 6, url: TARGET, validity: 30 }, 'validity'],
    ] as const) {
      const response = await api(ingress.url, 'POST', '/v1/smartlinks', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain(field);
    }
    const unauthenticated = await fetch(`${ingress.url}/v1/smartlinks`);
    expect(unauthenticated.status).toBe(401);
  });

  it("sends the seed's request with its own short URL, redirects it and shows the click", async () => {
    expect((await api(ingress.url, 'POST', '/v1/smartlinks', { linkid: 5, url: TARGET })).status).toBe(201);
    const response = await imi(seedRequest('254712345001'));
    expect(response.status).toBe(200);
    const [entry] = ((await response.json()) as { response: Array<{ code: string; transid: string }> })
      .response;
    expect(entry.code).toBe('1001');
    // Accepted means durable: the code is stored before the answer.
    const stored = await db.query('SELECT link_id FROM smartlink_codes WHERE message_id = $1', [
      entry.transid,
    ]);
    expect(stored.rows).toEqual([{ link_id: '5' }]);

    const text = await sentText(entry.transid);
    expect(text).toMatch(
      /^Sending first SMS with smart link using IMIconnect\. Click the link to get surprise gift /,
    );
    expect(text).not.toContain('{{link_5}}');
    const { url } = shortUrlIn(text);
    expect(url.startsWith(`${ingress.url}/l/`)).toBe(true);

    const redirect = await follow(url);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(TARGET);

    const message = await waitFor(
      async () => {
        const found = await api(tracker.url, 'GET', `/v1/messages/${entry.transid}`);
        const body = (await found.json()) as { clicks?: unknown[] };
        return found.status === 200 && (body.clicks?.length ?? 0) > 0 && body;
      },
      { message: 'the click in the message history' },
    );
    expect(message.clicks).toEqual([{ linkid: '5', at: expect.any(String), userAgent: HANDSET }]);
    const stats = (await (await api(tracker.url, 'GET', '/v1/stats')).json()) as { clicks: number };
    expect(stats.clicks).toBe(1);
  });

  it('answers 7003 for a link without a smartlinks entry or unknown to the workspace, and sends nothing', async () => {
    const unlisted = seedRequest('254712345002');
    unlisted.channels.smartlinks = [];
    const unknown = seedRequest('254712345003');
    unknown.channels.smartlinks = [{ linkid: 99, validity: 30 }];
    unknown.channels.sms.text = 'gift {{link_99}}';
    for (const [body, reason] of [
      [unlisted, '{{link_5}} has no entry in channels.smartlinks'],
      [unknown, 'unknown smartlink linkid 99'],
    ] as const) {
      const response = await imi(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ response: [{ code: '7003', description: reason }] });
    }
    expect(aggregator.requests.some((r) => /25471234500[23]/.test(r.body))).toBe(false);
  });

  it('answers 410 for an expired link and 404 for an unknown one, without redirecting', async () => {
    const response = await imi(seedRequest('254712345004'));
    const [entry] = ((await response.json()) as { response: Array<{ transid: string }> }).response;
    const { url, code } = shortUrlIn(await sentText(entry.transid));
    await db.query(`UPDATE smartlink_codes SET expires_at = now() - interval '1 second' WHERE code = $1`, [
      code,
    ]);
    const expired = await follow(url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    const missing = await follow(`${ingress.url}/l/${code === 'AAAAAAAAAA' ? 'BBBBBBBBBB' : 'AAAAAAAAAA'}`);
    expect(missing.status).toBe(404);
    expect((await follow(`${ingress.url}/l/not-a-code`)).status).toBe(404);
    // No code at all: still a line of text for the browser, not an API error.
    const empty = await follow(`${ingress.url}/l/`);
    expect(empty.status).toBe(404);
    expect(empty.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});
