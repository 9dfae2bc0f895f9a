import { DeadLetterV1, Topics, uuidv7 } from '@smsgate/contracts';
import { createKafka, ensureTopics } from '@smsgate/kafka';
import {
  ADMIN_TOKEN,
  connectTestClients,
  createChannel,
  createWorkspace,
  freePort,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestClients,
  TestWorkspace,
} from '@smsgate/testing';
import { execFile } from 'node:child_process';
import path from 'node:path';

const BIN = path.join(__dirname, '..', 'bin', 'smsgate.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `smsgate` command against the running gateway (every service a process on the real Kafka and
 * PostgreSQL, an SMSC simulator), through the console's one base URL, as an operator or a script runs it.
 */
describe('the smsgate command, against the running gateway', () => {
  let smsc: SmscSimulator;
  let services: ServiceProcess[];
  let consoleApp: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;
  let clients: TestClients;
  const sourceTopic = `test.cli.${uuidv7()}`;
  const letter: DeadLetterV1 = {
    id: uuidv7(),
    group: 'dispatcher',
    sourceTopic,
    partition: 0,
    offset: '7',
    value: '{"id":"cli-e2e"}',
    valueEncoding: 'utf8',
    headers: {},
    reason: 'send failed on attempt 6: 503 from aggregator (cli e2e)',
    attempts: 6,
    failedAt: new Date().toISOString(),
  };

  const smsgate = async (args: string[], key: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> => {
    const ran = await new Promise<Ran>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        {
          env: { PATH: process.env.PATH, SMSGATE_URL: consoleApp.url, SMSGATE_KEY: key, ...env },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 99) : 0, stdout, stderr }),
      );
    });
    // Whatever the command, the key it was given is never in what it prints.
    expect(ran.stdout + ran.stderr).not.toContain(key);
    return ran;
  };
  const asWorkspace = (...args: string[]) => smsgate(args, workspace.apiKey);
  const asAdmin = (...args: string[]) => smsgate(args, ADMIN_TOKEN);

  beforeAll(async () => {
    smsc = await new SmscSimulator({ systemId: 'e2e-cli', password: 'bindpw42' }).start();
    const brokers = process.env.KAFKA_BROKERS!;
    await ensureTopics(createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-cli' }), [
      { topic: sourceTopic, numPartitions: 1 },
    ]);
    clients = await connectTestClients('smsgate-test-cli', [sourceTopic]);
    await clients.publisher.publish(Topics.deadLetter, letter, { key: sourceTopic });
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-cli-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-cli-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
        BIND_REPORT_INTERVAL_MS: '500',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-cli-e2e', common),
    ]);
    consoleApp = await ServiceProcess.start('console', {
      ...common,
      INGRESS_URL: services[0].url,
      DLR_TRACKER_URL: services[3].url,
      BIND_REPORT_INTERVAL_MS: '500',
    });
    services.push(consoleApp);
    workspace = await createWorkspace(services[0].url, 'CLI clinic');
    channel = (
      await createChannel(services[0].url, workspace.apiKey, {
        type: 'smpp',
        name: 'CLI SMPP',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-cli', window: 10 },
        secrets: { password: 'bindpw42' },
      })
    ).uuid;
  }, 120_000);

  afterAll(async () => {
    await Promise.all((services ?? []).map((service) => service.stop()));
    await Promise.all([smsc?.stop(), clients?.close()]);
  });

  it('says who a key belongs to', async () => {
    const ran = await asWorkspace('whoami');
    expect(ran).toMatchObject({
      code: 0,
      stdout: `workspace CLI clinic (${workspace.id}) at ${consoleApp.url}\n`,
    });
    expect(await asAdmin('whoami', '--json')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('"role": "admin"'),
    });
  });

  it('sends, follows the message to delivered, and finds it in the log', async () => {
    const sent = await asWorkspace(
      'send',
      '--to',
      '+254712000333',
      '--text',
      'Hello from the CLI',
      '--channel',
      channel,
      '--json',
    );
    expect(sent.code).toBe(0);
    const id = (JSON.parse(sent.stdout) as { messages: { id: string }[] }).messages[0].id;
    const followed = await asWorkspace('status', id, '--wait', '--json');
    expect(JSON.parse(followed.stdout)).toMatchObject({ id, status: 'delivered', channel });
    const shown = await asWorkspace('status', id);
    expect(shown.stdout).toMatch(/^id:\s+[0-9a-f-]{36}\nstatus:\s+delivered since /);
    expect(shown.stdout).toMatch(/History:\nAT\s+STATUS[\s\S]*\bsent\b[\s\S]*\bdelivered\b/);
    const log = await asWorkspace('messages', '--status', 'delivered', '--since', '1h', '--json');
    expect((JSON.parse(log.stdout) as { data: { id: string }[] }).data.map((m) => m.id)).toContain(id);
    const human = await asWorkspace('messages', '--since', '1h');
    expect(human.stdout).toMatch(/^CREATED\s+DIR\s+FROM\s+TO\s+STATUS/);
    expect(human.stdout).toContain(id);
    // As the admin, in the workspace it names.
    const admin = await smsgate(['messages', '--since', '1h', '--json'], ADMIN_TOKEN, {
      SMSGATE_WORKSPACE: workspace.id,
    });
    expect((JSON.parse(admin.stdout) as { data: { id: string }[] }).data.map((m) => m.id)).toContain(id);
  });

  it('refuses what the API refuses, with its reason and exit code 1', async () => {
    const refused = await asWorkspace('send', '--to', 'not-a-number', '--text', 'x', '--channel', channel);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^smsgate: 400 \S/);
    const notAdmin = await asWorkspace('dlq', 'list');
    expect(notAdmin).toMatchObject({ code: 1, stderr: 'smsgate: 401 admin token required\n' });
  });

  it("shows the channel's bind, disables and enables the channel", async () => {
    const bindsShown = await asWorkspace('binds');
    expect(bindsShown.code).toBe(0);
    expect(bindsShown.stdout).toMatch(
      /smpp-binds replica\(s\) reporting\nCHANNEL[\s\S]*CLI SMPP\s+smpp\s+bound\s+\S+\s+bound/,
    );
    const listed = await asWorkspace('channels');
    expect(listed.stdout).toMatch(new RegExp(`${channel}\\s+CLI SMPP\\s+smpp\\s+22000\\s+yes`));
    expect((await asWorkspace('channels', 'disable', channel)).code).toBe(2);
    const disabled = await asWorkspace('channels', 'disable', channel, '--yes');
    expect(disabled).toMatchObject({ code: 0, stdout: `CLI SMPP (${channel}) is disabled.\n` });
    const stored = await fetch(`${services[0].url}/v1/channels/${channel}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    }).then((response) => response.json() as Promise<{ enabled: boolean }>);
    expect(stored.enabled).toBe(false);
    expect((await asWorkspace('channels', 'enable', channel, '--yes')).stdout).toContain('is enabled.');
    const restored = await fetch(`${services[0].url}/v1/channels/${channel}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    }).then((response) => response.json() as Promise<{ enabled: boolean }>);
    expect(restored.enabled).toBe(true);
  });

  it('says which URL it cannot reach (exit 3), and a usage mistake with the usage (exit 2)', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const stopped = await smsgate(['whoami'], workspace.apiKey, { SMSGATE_URL: closed });
    expect(stopped).toEqual({
      code: 3,
      stdout: '',
      stderr: `smsgate: cannot reach ${closed}: ECONNREFUSED\n`,
    });
    const mistake = await asWorkspace('messages', '--since', 'last week');
    expect(mistake.code).toBe(2);
    expect(mistake.stderr).toContain('--since must be a duration back from now');
    expect(mistake.stderr).toContain('usage: smsgate messages');
  });

  it('lists the dead letter and replays it to its topic', async () => {
    const listed = await asAdmin('dlq', 'list', '--topic', sourceTopic, '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject({
      matched: 1,
      results: [{ id: letter.id, reason: letter.reason }],
    });
    const dry = await asAdmin('dlq', 'replay', '--id', letter.id, '--dry-run');
    expect(dry.stdout).toContain('Dry run: would replay 1 of 1 matching');
    const replayed = await asAdmin('dlq', 'replay', '--id', letter.id, '--yes');
    expect(replayed).toMatchObject({ code: 0, stdout: expect.stringContaining('Replayed 1 of 1 matching') });
    await clients.probe.waitFor(
      (message) => message.topic === sourceTopic && message.headers['x-smsgate-replayed-from'] === letter.id,
    );
    expect(clients.probe.messages.filter((message) => message.topic === sourceTopic)).toHaveLength(1);
  });
});
