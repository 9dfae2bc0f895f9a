import {
  createChannel,
  createWorkspace,
  RecordedRequest,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  startGroupsAtEnd,
  TestWorkspace,
  waitFor,
  waitForGroupMembers,
} from '@smsgate/testing';
import { randomUUID } from 'node:crypto';

const brokers = process.env.KAFKA_BROKERS!;

/**
 * Three dispatcher replicas in one group send on one HTTP channel: its `tps` holds at the aggregator for
 * all three together, and a provider's `Retry-After` pauses the channel for all three.
 */
describe('a channel’s rate and pauses across three dispatchers', () => {
  const group = `dispatcher-rate-${randomUUID().slice(0, 8)}`;
  const env = serviceEnv({
    EGRESS_ALLOW: '127.0.0.1',
    CONFIG_CACHE_MS: '0',
    RETRY_DELAYS_MS: '500',
    KAFKA_GROUP_ID: group,
  });
  let ingress: ServiceProcess;
  let dispatchers: ServiceProcess[] = [];
  let aggregator: RecordingServer;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    await startGroupsAtEnd(brokers, [group]);
    aggregator = await RecordingServer.start();
    [dispatchers, ingress] = await Promise.all([
      Promise.all([1, 2, 3].map(() => ServiceProcess.start('dispatcher', env))),
      ServiceProcess.start('ingress', env),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e channel rate');
    await waitForGroupMembers(brokers, group, 3);
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), ...dispatchers.map((s) => s.stop()), aggregator?.stop()]);
  });

  beforeEach(() => aggregator.reset());

  const send = async (channel: string, count: number) => {
    const to = Array.from({ length: count }, (_, i) => `+2547${String(30_000_000 + i).slice(-8)}`);
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, text: 'rate', channel }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { messages: { id: string }[] }).messages.map((m) => m.id);
  };
  const rateChannel = (path: string, tps: number) =>
    createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000124',
      config: { send_url: aggregator.url(path), content_type: 'json', method: 'POST', tps },
    });
  /** A dispatcher's samples of a metric with these labels, summed (0 when it has none). */
  const sample = async (service: ServiceProcess, name: string, labels: Record<string, string> = {}) => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`))
      .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };
  const sentBy = (service: ServiceProcess) =>
    sample(service, 'smsgate_send_duration_seconds_count', { channel_type: 'ex', result: 'accepted' });
  const idsOf = (requests: RecordedRequest[]) =>
    requests.map((r) => (JSON.parse(r.body) as { id: string }).id);

  it('holds a 10/s channel to 10/s at the aggregator with three replicas sending', async () => {
    const channel = await rateChannel('/rate', 10);
    const before = await Promise.all(dispatchers.map(sentBy));
    // Messages are keyed by id, so they spread over every partition and every replica has work.
    const ids = await send(channel.uuid, 130);
    await waitFor(() => aggregator.requests.length >= 130, { timeoutMs: 30_000, message: '130 arrivals' });

    // The steady window: 1 s after the first arrival (the replicas' first leases) to 10 s after it.
    const arrivals = aggregator.requests.map((r) => r.at);
    const from = arrivals[0] + 1_000;
    const to = arrivals[0] + 10_000;
    const rate = arrivals.filter((at) => at >= from && at < to).length / ((to - from) / 1_000);
    // The busiest 1-second span of the run. Each 100 ms window leases one part, sent a few ms after the
    // window starts: a span holds 10 windows' sends, 11 when the first was late and the last early, 12
    // when a loaded machine delays a send by more than a window (seen once in four runs on 2 shared cores).
    // The 9-second average is the tight bound; 12 still fails replicas that each keep 10/s (20, or 59).
    const busiest = Math.max(
      ...arrivals.map((at) => arrivals.filter((t) => t >= at && t < at + 1_000).length),
    );
    const after = await Promise.all(dispatchers.map(sentBy));
    const perReplica = after.map((n, i) => n - before[i]);
    const figures = { rate, busiest, perReplica };
    expect({
      figures,
      ok: rate >= 9 && rate <= 10.5 && busiest <= 12 && perReplica.every((n) => n > 0),
    }).toEqual({ figures, ok: true });
    expect(idsOf(aggregator.requests).sort()).toEqual([...ids].sort());
  }, 45_000);

  it('pauses the channel for every replica on 429 with Retry-After: 2, then sends it all', async () => {
    const channel = await rateChannel('/pause', 100);
    aggregator.reply({ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' });
    const [first] = await send(channel.uuid, 1);
    await waitFor(() => aggregator.requests.length === 1, { timeoutMs: 15_000, message: 'the 429' });
    const refusedAt = aggregator.requests[0].at;
    const paused = () => Promise.all(dispatchers.map((d) => sample(d, 'smsgate_dispatch_channels_paused')));
    await waitFor(async () => (await paused()).some((n) => n === 1), { timeoutMs: 5_000, message: 'paused' });
    const others = await send(channel.uuid, 20);

    await waitFor(() => aggregator.requests.length === 22, { timeoutMs: 15_000, message: 'all 21 sent' });
    const [, ...rest] = aggregator.requests.filter((r) => r.url === '/pause');
    expect(rest[0].at - refusedAt).toBeGreaterThanOrEqual(1_950);
    expect(idsOf(rest).sort()).toEqual([first, ...others].sort());
    expect(await paused()).toEqual([0, 0, 0]);
  }, 30_000);
});
