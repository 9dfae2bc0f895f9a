import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { Topics, uuidv7 } from '@smsgate/contracts';
import { KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import {
  connectTestClients,
  FakeCht,
  InProcessService,
  startInProcess,
  TestClients,
  waitFor,
} from '@smsgate/testing';
import { ChtRelayModule } from './cht-relay.module';
import { chtRelayEnv } from './config';
import { chtPathNotFound } from './inbound/cht-api-path';
import { rapidProApiErrorBody } from './rapidpro-api/rapidpro-auth.guard';
import { CHT_INCOMING_PATHS, RelaySettings } from './settings/relay-settings';

const V1 = CHT_INCOMING_PATHS.v1;
const V2 = CHT_INCOMING_PATHS.v2;

/**
 * The relay forwarding inbound messages to CHTs before and after 4.1 (v1 and v2 webhook paths), on real
 * Kafka and PostgreSQL: `auto` finds the path each serves, remembers it and shows it; a CHT that serves
 * neither keeps the messages retrying, visible, until it does.
 */
describe('cht-relay: which CHT API path a target serves', () => {
  const group = `cht-relay-api-${uuidv7()}`;
  let relay: InProcessService;
  let clients: TestClients;
  let chts: FakeCht[] = [];

  beforeAll(async () => {
    clients = await connectTestClients('cht-api-it', [Topics.deadLetter]);
    relay = await startInProcess({
      config: (env) => loadConfig('cht-relay', chtRelayEnv, env),
      env: {
        KAFKA_GROUP_ID: group,
        RETRY_DELAYS_MS: '300,300,300,300,300,300,300,300,300,300',
        EGRESS_ALLOW: '127.0.0.1',
        CONFIG_CACHE_MS: '0',
        CHT_API_REPROBE_MS: '3600000',
      },
      module: (config) => ChtRelayModule.forRoot(config),
      filters: [new HttpErrorFilter(rapidProApiErrorBody)],
      consumer: (app, config) =>
        KafkaEventServer.forApp(app, { groupId: group, retryDelaysMs: config.RETRY_DELAYS_MS }),
    });
  });

  afterEach(async () => {
    await Promise.all(chts.map((cht) => cht.stop()));
    chts = [];
  });

  afterAll(async () => {
    await relay?.app.close();
    await clients?.close();
  });

  const CHT_KEY = 'cht-incoming-key';
  const fakeCht = async (serves: FakeCht['serves']) => {
    const cht = await FakeCht.start(CHT_KEY);
    cht.serves = serves;
    chts.push(cht);
    return cht;
  };
  /** The paths CHT was asked to take message `id` on, in order. */
  const pathsFor = (cht: FakeCht, id: string) =>
    cht.incomingRequests.filter((request) => request.body.includes(id)).map((request) => request.path);

  /** A workspace (with a key for the settings API) whose CHT target is `cht`. */
  const workspaceFor = async (cht: FakeCht, apiVersion: 'auto' | 'v1' | 'v2' = 'auto') => {
    const id = uuidv7();
    const apiKey = generateApiKey();
    await clients.db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'cht api', $2, 'sg_it')`,
      [id, hashApiKey(apiKey)],
    );
    await relay.app
      .get(RelaySettings)
      .saveTarget(
        id,
        { mode: 'rapidpro', url: cht.url, apiVersion, secrets: { apiKey: CHT_KEY }, enabled: true },
        'apiKey',
      );
    const target = async () => {
      const response = await fetch(`${relay.url}/v1/cht/target`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return (await response.json()) as { apiVersion: string; api: Record<string, unknown> };
    };
    return { id, target };
  };

  const receive = async (workspace: string) => {
    const id = uuidv7();
    await clients.publisher.publish(Topics.inboundReceived, {
      id,
      workspace,
      channel: uuidv7(),
      channelType: 'ex',
      from: '+254712000777',
      text: 'habari',
      receivedAt: new Date().toISOString(),
    });
    return id;
  };
  const notFound = async (version: string, outcome: string) =>
    (await chtPathNotFound.get()).values.find(
      (v) => v.labels.version === version && v.labels.outcome === outcome,
    )?.value ?? 0;

  it('uses v2 on a CHT that serves it, without trying v1', async () => {
    const cht = await fakeCht(['v2']);
    const workspace = await workspaceFor(cht);
    const first = await receive(workspace.id);
    const second = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, second).length > 0 && pathsFor(cht, first).length > 0);
    expect(cht.incomingRequests.map((request) => request.path)).toEqual([V2, V2]);
    expect(await workspace.target()).toMatchObject({
      apiVersion: 'auto',
      api: { version: 'v2', status: 'ok' },
    });
  });

  it('falls back to v1 on a CHT before 4.1, remembers it, and goes to v2 once the CHT is upgraded', async () => {
    const cht = await fakeCht(['v1']);
    const workspace = await workspaceFor(cht);
    const fellBack = await notFound('v2', 'fell-back');
    const first = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, first).includes(V1));
    expect(pathsFor(cht, first)).toEqual([V2, V1]);
    expect(await notFound('v2', 'fell-back')).toBe(fellBack + 1);
    expect(await workspace.target()).toMatchObject({ api: { version: 'v1', status: 'ok' } });

    const second = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, second).length > 0);
    expect(pathsFor(cht, second)).toEqual([V1]);

    cht.serves = ['v2'];
    const third = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, third).includes(V2));
    expect(pathsFor(cht, third)).toEqual([V1, V2]);
    expect(await workspace.target()).toMatchObject({ api: { version: 'v2', status: 'ok' } });
  });

  it('keeps retrying a message no path takes, shows it, and delivers it once CHT serves a path', async () => {
    const cht = await fakeCht([]);
    const workspace = await workspaceFor(cht);
    const retried = await notFound('v1', 'retry');
    const id = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, id).length >= 6, { message: 'three attempts on both paths' });
    expect(pathsFor(cht, id).slice(0, 4)).toEqual([V2, V1, V2, V1]);
    expect(await notFound('v1', 'retry')).toBeGreaterThan(retried);
    expect(await workspace.target()).toMatchObject({ api: { status: 'path-not-found' } });
    expect(clients.probe.messages.filter((m) => JSON.stringify(m.value).includes(id))).toEqual([]);

    const before = cht.incomingRequests.length;
    cht.serves = ['v2'];
    await waitFor(() =>
      cht.incomingRequests.slice(before).some((r) => r.body.includes(id) && r.status === 200),
    );
    await waitFor(async () => (await workspace.target()).api.status === 'ok');
    expect(cht.saved.has(id)).toBe(true);
    expect(clients.probe.messages.filter((m) => JSON.stringify(m.value).includes(id))).toEqual([]);
  });

  it("honours an operator's apiVersion: no fallback, a 404 retried and shown as a path problem", async () => {
    const cht = await fakeCht(['v1']);
    const workspace = await workspaceFor(cht, 'v2');
    const id = await receive(workspace.id);
    await waitFor(() => pathsFor(cht, id).length >= 2);
    expect(new Set(pathsFor(cht, id))).toEqual(new Set([V2]));
    expect(await workspace.target()).toMatchObject({
      apiVersion: 'v2',
      api: { version: 'v2', status: 'path-not-found' },
    });
  });
});
