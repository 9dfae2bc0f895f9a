import {
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceName,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestEsme,
  waitFor,
} from '@smsgate/testing';
import { promqlReferences, shippedQueries } from '../deploy/test/promql-references';

/** What Prometheus adds itself (`up`, target labels) and `le`, which every histogram bucket carries. */
const PROMETHEUS_SERIES = new Set(['up']);
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'le']);
/**
 * Metrics this test's traffic does not produce a sample of (their names are still exported, as HELP
 * lines): their labels are the ones their code gives them, but cannot be read from a scrape here.
 */
const NOT_PRODUCED_HERE = [
  'smsgate_cht_gateway_polls_total', // needs a CHT gateway polling
  'smsgate_cht_relay_requests_total', // needs CHT traffic
  'smsgate_dead_letters_total', // needs an event given up on
  'smsgate_parked_events', // needs a status waiting for its message
  'smsgate_retries_total', // needs a retried event
];

interface Scrape {
  /** Names with a HELP line, and for histograms their _bucket, _sum and _count. */
  names: Set<string>;
  /** Sample name → the label names its samples carry. */
  labels: Map<string, Set<string>>;
}

function parseExposition(text: string, into: Scrape): void {
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      into.names.add(type[1]);
      if (type[2] === 'histogram' || type[2] === 'summary')
        for (const suffix of ['_bucket', '_sum', '_count']) into.names.add(type[1] + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    into.names.add(sample[1]);
    const labels = into.labels.get(sample[1]) ?? new Set<string>();
    for (const [, label] of (sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)) labels.add(label);
    into.labels.set(sample[1], labels);
  }
}

interface Check {
  /** Metrics and labels the queries use that no service exports, as `where: what`. */
  missing: string[];
  /** Metrics queried that have no sample (their labels could not be checked). */
  unsampled: string[];
}

function check(scrape: Scrape): Check {
  const missing: string[] = [];
  const unsampled = new Set<string>();
  for (const { where, expr } of shippedQueries()) {
    const { metrics, labels } = promqlReferences(expr);
    const exported = metrics.filter((metric) => !PROMETHEUS_SERIES.has(metric));
    for (const metric of exported) if (!scrape.names.has(metric)) missing.push(`${where}: ${metric}`);
    const sampled = exported.filter((metric) => scrape.labels.has(metric));
    for (const metric of exported) if (!scrape.labels.has(metric)) unsampled.add(metric);
    for (const label of labels.filter((name) => !TARGET_LABELS.has(name)))
      if (sampled.length > 0 && !sampled.some((metric) => scrape.labels.get(metric)!.has(label)))
        missing.push(`${where}: label ${label} on ${sampled.join(', ')}`);
  }
  return { missing, unsampled: [...unsampled].sort() };
}

/**
 * Every metric the shipped dashboard and alert rules query (deploy/observability) is one the services
 * export, with the labels the queries group by or match on: all seven services run, a message goes out
 * over HTTP and over SMPP with a status callback, an ESME binds to the SMPP server (after one refused
 * bind) and submits one asking for a receipt, then each /metrics is scraped.
 */
describe('dashboard and alert queries against what the services export', () => {
  let smsc: SmscSimulator;
  let receiver: RecordingServer;
  let services: ServiceProcess[] = [];
  let esme: TestEsme | undefined;

  beforeAll(async () => {
    [smsc, receiver] = await Promise.all([
      new SmscSimulator({ systemId: 'e2e-observe', password: 'observe1' }).start(),
      RecordingServer.start(),
    ]);
    const env = serviceEnv({
      EGRESS_ALLOW: '127.0.0.1',
      CONFIG_CACHE_MS: '0',
    });
    const names: ServiceName[] = ['dispatcher', 'smpp-binds', 'dlr-tracker', 'cht-relay', 'smpp-server'];
    services = await Promise.all([
      ServiceProcess.start('ingress', env),
      ...names.map((name) => startInFreshGroup(name, `${name}-observability-e2e`, env)),
      // Consumes nothing: no group of its own.
      ServiceProcess.start('console', env),
    ]);
  });

  afterAll(async () => {
    esme?.close();
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all([smsc?.stop(), receiver?.stop()]);
  });

  const scrapeAll = async (): Promise<Scrape> => {
    const scrape: Scrape = { names: new Set(), labels: new Map() };
    for (const service of services)
      parseExposition(await (await fetch(`${service.url}/metrics`)).text(), scrape);
    return scrape;
  };

  it('has every metric and label the queries use', async () => {
    const [ingress] = services;
    const workspace = await createWorkspace(ingress.url, 'e2e observability');
    const channels = await Promise.all([
      createChannel(ingress.url, workspace.apiKey, {
        type: 'ex',
        address: '+254700000098',
        config: { send_url: receiver.url('/send'), content_type: 'json', method: 'POST' },
      }),
      createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        address: '22001',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-observe', window: 5 },
        secrets: { password: 'observe1' },
      }),
    ]);
    for (const channel of channels) {
      const response = await fetch(`${ingress.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          to: '+254712345670',
          text: 'observed',
          channel: channel.uuid,
          notifyUrl: receiver.url('/status'),
        }),
      });
      expect(response.status).toBe(202);
    }
    // An ESME of the SMPP server: one refused bind, then a submit over the SMPP channel with a receipt.
    const server = services.find((service) => service.name === 'smpp-server')!;
    const accountResponse = await fetch(`${ingress.url}/v1/smpp-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        systemId: `obs${Date.now().toString(36).slice(-6)}`,
        channel: channels[1].uuid,
      }),
    });
    expect(accountResponse.status).toBe(201);
    const account = (await accountResponse.json()) as { systemId: string; password: string };
    await expect(
      TestEsme.bound(server.smppPort, 'transceiver', account.systemId, 'wrong-pw'),
    ).rejects.toThrow('bind refused');
    esme = await TestEsme.bound(server.smppPort, 'transceiver', account.systemId, account.password);
    const answer = await esme.submit({
      destination: { ton: 1, npi: 1, addr: '254712345671' },
      text: 'observed over the SMPP server',
      registeredDelivery: 1,
    });
    expect(answer.status).toBe(0);
    await esme.receiptFor(answer.messageId);
    // Bind, submit and callback series appear as the messages get there: wait for all of them.
    const settled = (result: Check) => result.unsampled.join() === NOT_PRODUCED_HERE.join() && result;
    const result = await waitFor(async () => settled(check(await scrapeAll())), {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: 'samples of every metric queried',
    }).catch(async () => check(await scrapeAll()));
    expect(result.missing).toEqual([]);
    // Every other metric was seen with its labels; this list only shrinks.
    expect(result.unsampled).toEqual(NOT_PRODUCED_HERE);
  });
});
