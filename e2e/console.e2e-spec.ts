import { DeadLetterV1, Topics, uuidv7 } from '@smsgate/contracts';
import { createKafka, ensureTopics } from '@smsgate/kafka';
import {
  ADMIN_TOKEN,
  connectTestClients,
  createChannel,
  createWorkspace,
  serviceEnv,
  RecordingServer,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestClients,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** Debian's chromium, which scripts/test.sh installs (ensure_chromium). */
const chromium = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const run = promisify(execFile);
/** Where the screenshots of each main page go (git-ignored): the test's artifacts. */
const SCREENSHOTS = path.join(__dirname, '..', 'test-artifacts', 'console');

interface Step {
  ok: boolean;
  error?: string;
  [name: string]: unknown;
}
interface BrowserReport {
  steps: Record<string, Step>;
  problems: string[];
  screenshots: string[];
  keyInUrls: number;
}

/**
 * The operator console in a real browser (Debian's chromium through puppeteer-core), over the whole
 * gateway as processes on the real Kafka and PostgreSQL and an SMSC simulator: sign in, send a message
 * and watch it reach `delivered` in the log without a reload, open its page, look at the charts, disable
 * a channel, replay a dead letter, create a workspace. Every action is confirmed by keyboard.
 */
describe('the operator console, in chromium', () => {
  let smsc: SmscSimulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let consoleApp: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;
  let clients: TestClients;
  let report: BrowserReport;
  let receiver: RecordingServer;
  let callbackMessage: string;
  const sourceTopic = `test.console.${uuidv7()}`;
  const letter: DeadLetterV1 = {
    id: uuidv7(),
    group: 'dispatcher',
    sourceTopic,
    partition: 0,
    offset: '42',
    key: 'console-e2e',
    value: JSON.stringify({ id: 'console-e2e', note: 'a send the aggregator refused' }),
    valueEncoding: 'utf8',
    headers: { 'content-type': 'application/json' },
    reason: 'send failed on attempt 6: 503 from aggregator (console e2e)',
    attempts: 6,
    failedAt: new Date().toISOString(),
  };

  beforeAll(async () => {
    smsc = await new SmscSimulator({ systemId: 'e2e-console', password: 'bindpw42' }).start();
    const brokers = process.env.KAFKA_BROKERS!;
    await ensureTopics(createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-console' }), [
      { topic: sourceTopic, numPartitions: 1 },
    ]);
    clients = await connectTestClients('smsgate-test-console', [sourceTopic]);
    await clients.publisher.publish(Topics.deadLetter, letter, { key: sourceTopic });
    receiver = await RecordingServer.start();
    const common = serviceEnv({ EGRESS_ALLOW: '127.0.0.1' });
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-console-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-console-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
        BIND_REPORT_INTERVAL_MS: '500',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-console-e2e', common),
    ]);
    [ingress] = services;
    const tracker = services[3];
    consoleApp = await ServiceProcess.start('console', {
      ...common,
      INGRESS_URL: ingress.url,
      DLR_TRACKER_URL: tracker.url,
    });
    services.push(consoleApp);
    workspace = await createWorkspace(ingress.url, 'Console clinic');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        name: 'Console SMPP',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-console', window: 10 },
        secrets: { password: 'bindpw42' },
      })
    ).uuid;

    // A message whose status callbacks go to a receiver (its URL's query is a secret the page must not show).
    const sent = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel,
        to: '+254712000222',
        text: 'With a callback',
        notifyUrl: receiver.url('/status?token=callback-secret'),
      }),
    });
    callbackMessage = ((await sent.json()) as { messages: { id: string }[] }).messages[0].id;
    await waitFor(
      () =>
        receiver.requests.find(
          (request) => request.body.includes(callbackMessage) && request.body.includes('delivered'),
        ),
      { timeoutMs: 30_000, message: 'the delivered callback' },
    );

    const { stdout } = await run(
      process.execPath,
      [
        path.join(__dirname, 'support', 'console-browser.mjs'),
        JSON.stringify({
          base: `${consoleApp.url}/`,
          chromium,
          adminToken: ADMIN_TOKEN,
          workspaceId: workspace.id,
          to: '+254712000111',
          channelName: 'Console SMPP',
          deadLetterId: letter.id,
          callbackMessageId: callbackMessage,
          screenshots: SCREENSHOTS,
        }),
      ],
      { timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
    );
    report = JSON.parse(stdout) as BrowserReport;
  }, 240_000);

  afterAll(async () => {
    await Promise.all((services ?? []).map((service) => service.stop()));
    await Promise.all([smsc?.stop(), clients?.close(), receiver?.stop()]);
  });

  const step = (name: string): Step => {
    const found = report.steps[name];
    // A failed step's error (with the screenshot test-artifacts/console/failed-<step>.png) says what went wrong.
    expect({ name, ok: found?.ok, error: found?.error }).toEqual({ name, ok: true, error: undefined });
    return found;
  };

  it('signs in with the admin token, refusing a wrong key, and keeps the key out of storage and URLs', () => {
    const signIn = step('signIn');
    expect(signIn.focusedOnKey).toBe(true);
    expect(signIn.wrongKey).toBe('That key is not valid.');
    expect(signIn.stored).toEqual({
      local: 0,
      session: 0,
      cookies: '',
      url: expect.not.stringContaining(ADMIN_TOKEN),
    });
    expect(signIn.nav).toEqual(['Messages', 'Traffic', 'Channels and binds', 'Dead letters', 'Workspaces']);
    expect(report.keyInUrls).toBe(0);
  });

  it('sends a message and shows it reaching delivered in the log without a reload', async () => {
    const sent = step('sendAndWatch');
    expect(sent.confirmation).toEqual({ focusedFirst: 'cancel', confirmedWith: 'confirm' });
    expect(sent.notReloaded).toBe(true);
    const stored = await fetch(`${services[3].url}/v1/messages/${String(sent.messageId)}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    }).then((response) => response.json() as Promise<{ status: string; channel: string }>);
    expect(stored).toMatchObject({ status: 'delivered', channel });
    expect(smsc.submits.some((submit) => submit.text === 'Hello from the console')).toBe(true);
  });

  it("opens the message's page with its history, parts and callbacks", () => {
    const page = step('messagePage');
    expect(page.headings).toEqual(expect.arrayContaining(['History', 'Parts', 'Status callbacks']));
    expect(String(page.history)).toMatch(/accepted[\s\S]*delivered/);
    expect(String(page.facts)).toContain('Console SMPP (smpp)');
    // Each callback with where it went (never the URL's query), what it reported and its outcome.
    expect(String(page.callbacks)).toMatch(/delivered\s+http:\/\/127\.0\.0\.1:\d+\/status\s+delivered\s+1\s/);
    expect(String(page.callbacks)).not.toContain('callback-secret');
    expect(String(page.callbackFacts)).toMatch(/Callback URL\s+http:\/\/127\.0\.0\.1:\d+\/status$/m);
    expect(String(page.callbackFacts)).not.toContain('callback-secret');
  });

  it('charts traffic by status and by channel, delivery rate and latency', () => {
    const traffic = step('traffic');
    const charts = traffic.charts as { id: string; canvas: number; legend: string[] }[];
    expect(charts.map((chart) => chart.id)).toEqual([
      'chart-status',
      'chart-channel',
      'chart-rate',
      'chart-latency',
    ]);
    for (const chart of charts) expect(chart.canvas).toBeGreaterThan(0);
    expect(charts[0].legend).toContain('delivered');
    expect(charts[1].legend).toContain('Console SMPP');
    expect(charts[3].legend).toEqual(expect.arrayContaining(['p50', 'p90', 'p99']));
    expect(Number(traffic.total)).toBeGreaterThanOrEqual(1);
  });

  it("shows the channel's binds and disables it after a confirmation", async () => {
    const channels = step('channels');
    expect(channels.uuid).toBe(channel);
    expect(String(channels.stateBefore)).toMatch(/^bound/);
    expect(String(channels.detail)).toMatch(/Connections[\s\S]*bound/);
    expect(channels.confirmation).toEqual({ focusedFirst: 'cancel', confirmedWith: 'confirm' });
    const stored = await fetch(`${ingress.url}/v1/channels/${channel}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    }).then((response) => response.json() as Promise<{ enabled: boolean }>);
    expect(stored.enabled).toBe(false);
  });

  it('finds the dead letter, shows its payload and replays it to its topic', async () => {
    const deadLetters = step('deadLetters');
    expect(String(deadLetters.payload)).toContain('a send the aggregator refused');
    expect(deadLetters.outcome).toBe('Replayed 1 of 1.');
    const replayed = await clients.probe.waitFor(
      (message) => message.topic === sourceTopic && message.headers['x-smsgate-replayed-from'] === letter.id,
    );
    expect(replayed.value).toEqual(JSON.parse(letter.value));
  });

  it('creates a workspace and shows its key once', () => {
    const workspaces = step('workspaces');
    expect(workspaces).toMatchObject({ keyLooksLikeOne: true, keyInList: false });
  });

  it('is usable with the keyboard: every control is named, the skip link comes first', () => {
    const keyboard = step('keyboard');
    expect(keyboard.unnamed).toEqual([]);
    expect(keyboard.first).toBe('Skip to content');
  });

  it("answers at one base URL with the owners' answers, and keeps admin routes to the admin", async () => {
    const as = (key: string, headers: Record<string, string> = {}) => ({
      headers: { authorization: `Bearer ${key}`, ...headers },
    });
    const noWorkspace = await fetch(`${consoleApp.url}/v1/messages`, as(ADMIN_TOKEN));
    expect(noWorkspace.status).toBe(400);
    expect(((await noWorkspace.json()) as { message: string }).message).toBe(
      'X-Smsgate-Workspace names the workspace an admin token acts in',
    );
    const asAdmin = await fetch(
      `${consoleApp.url}/v1/messages?limit=5`,
      as(ADMIN_TOKEN, { 'x-smsgate-workspace': workspace.id }),
    );
    expect(asAdmin.status).toBe(200);
    expect(((await asAdmin.json()) as { data: unknown[] }).data.length).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${consoleApp.url}/v1/dead-letters`, as(workspace.apiKey))).status).toBe(401);
    expect(await fetch(`${consoleApp.url}/v1/whoami`, as(workspace.apiKey)).then((r) => r.json())).toEqual({
      role: 'workspace',
      workspace: { id: workspace.id, name: 'Console clinic' },
    });
    const binds = (await fetch(`${consoleApp.url}/v1/binds`, as(workspace.apiKey)).then((r) => r.json())) as {
      replicas: { replica: string }[];
      channels: { workspace: string }[];
    };
    expect(binds.replicas.length).toBeGreaterThanOrEqual(1);
    for (const entry of binds.channels) expect(entry.workspace).toBe(workspace.id);
  });

  it('saved a screenshot of each main page, and the page raised no error', () => {
    expect(report.screenshots.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining([
        'messages.png',
        'message.png',
        'traffic.png',
        'channels.png',
        'dead-letters.png',
        'workspaces.png',
      ]),
    );
    expect(report.problems).toEqual([]);
  });
});
