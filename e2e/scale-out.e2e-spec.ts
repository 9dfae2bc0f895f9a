import { Topics } from '@smsgate/contracts';
import {
  connectTestDatabase,
  consumedEvents,
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  startGroupsAtEnd,
  TestWorkspace,
  TopicProbe,
  waitFor,
  waitForGroupMembers,
} from '@smsgate/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

const brokers = process.env.KAFKA_BROKERS!;
const TRACE_ID = randomUUID().replace(/-/g, '');
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/**
 * Two replicas of dispatcher and two of dlr-tracker in one consumer group each, fed through ingress:
 * the partitions are split between the replicas, both do part of the work, and no message is handled
 * twice (exact counts from each replica's own metrics, each send reaching the aggregator once).
 */
describe('two replicas of dispatcher and of dlr-tracker', () => {
  const suffix = randomUUID().slice(0, 8);
  const groups = { dispatcher: `dispatcher-scale-${suffix}`, tracker: `dlr-tracker-scale-${suffix}` };
  const base = serviceEnv({
    EGRESS_ALLOW: '127.0.0.1',
    CONFIG_CACHE_MS: '0',
    RETRY_DELAYS_MS: '200',
  });
  let ingress: ServiceProcess;
  let dispatchers: ServiceProcess[] = [];
  let trackers: ServiceProcess[] = [];
  let aggregator: RecordingServer;
  let refusing: RecordingServer;
  let probe: TopicProbe;
  let workspace: TestWorkspace;
  let db: Client;

  beforeAll(async () => {
    await startGroupsAtEnd(brokers, [groups.dispatcher, groups.tracker]);
    [aggregator, refusing] = await Promise.all([RecordingServer.start(), RecordingServer.start()]);
    refusing.replyAlways({ status: 400, body: 'refused' });
    const dispatcherEnv = { ...base, KAFKA_GROUP_ID: groups.dispatcher };
    const trackerEnv = { ...base, KAFKA_GROUP_ID: groups.tracker };
    [dispatchers, trackers, probe] = await Promise.all([
      Promise.all([
        ServiceProcess.start('dispatcher', dispatcherEnv),
        ServiceProcess.start('dispatcher', dispatcherEnv),
      ]),
      Promise.all([
        ServiceProcess.start('dlr-tracker', trackerEnv),
        ServiceProcess.start('dlr-tracker', trackerEnv),
      ]),
      TopicProbe.start(brokers, [
        Topics.outboundRequested,
        Topics.outboundStatus,
        Topics.deadLetter,
        Topics.messageStatusChanged,
      ]),
    ]);
    ingress = await ServiceProcess.start('ingress', { ...base, MESSAGES_API_URL: trackers[0].url });
    db = await connectTestDatabase();
    workspace = await createWorkspace(ingress.url, 'e2e scale-out');
  });

  afterAll(async () => {
    await Promise.all([
      ingress?.stop(),
      ...dispatchers.map((s) => s.stop()),
      ...trackers.map((s) => s.stop()),
      aggregator?.stop(),
      refusing?.stop(),
      probe?.stop(),
      db?.end(),
    ]);
  });

  const metrics = async (service: ServiceProcess) => (await fetch(`${service.url}/metrics`)).text();
  const send = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${workspace.apiKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { messages: { id: string }[] }).messages.map((m) => m.id);
  };

  it('splits the partitions and the work between the replicas and handles each message once', async () => {
    // Both groups are stable with two members, each holding partitions, before the load starts.
    const dispatcherAssignment = await waitForGroupMembers(brokers, groups.dispatcher, 2);
    const trackerAssignment = await waitForGroupMembers(brokers, groups.tracker, 2);
    const requested = (assignment: Record<string, Record<string, number[]>>) =>
      Object.values(assignment).map((a) => a[Topics.outboundRequested] ?? []);
    for (const split of [requested(dispatcherAssignment), requested(trackerAssignment)]) {
      expect(split.every((partitions) => partitions.length > 0)).toBe(true);
      const all = split.flat();
      expect(new Set(all).size).toBe(all.length); // no partition owned twice
    }

    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000123',
      config: { send_url: aggregator.url('/scale'), content_type: 'json', method: 'POST' },
    });
    const total = 200;
    const to = Array.from({ length: total }, (_, i) => `+2547${String(20_000_000 + i).slice(-8)}`);
    const ids = await send({ to, text: 'scale-out', channel: channel.uuid });
    expect(new Set(ids).size).toBe(total);

    const perReplica = async (services: ServiceProcess[], topic: string, group: string) =>
      Promise.all(services.map(async (s) => consumedEvents(await metrics(s), topic, group)));
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    await waitFor(
      async () =>
        sum(await perReplica(dispatchers, Topics.outboundRequested, groups.dispatcher)) >= total &&
        sum(await perReplica(trackers, Topics.outboundStatus, groups.tracker)) >= total &&
        sum(await perReplica(trackers, Topics.outboundRequested, groups.tracker)) >= total,
      { timeoutMs: 60_000, message: `${total} messages dispatched and tracked` },
    );

    const dispatched = await perReplica(dispatchers, Topics.outboundRequested, groups.dispatcher);
    const trackedRequests = await perReplica(trackers, Topics.outboundRequested, groups.tracker);
    const trackedStatuses = await perReplica(trackers, Topics.outboundStatus, groups.tracker);
    // Both replicas worked, and together they handled each event exactly once.
    const everyone = { dispatched, trackedRequests, trackedStatuses };
    for (const counts of Object.values(everyone)) {
      expect({ everyone, allWorked: counts.every((count) => count > 0) }).toEqual({
        everyone,
        allWorked: true,
      });
      expect(sum(counts)).toBe(total);
    }
    // The message metrics agree, replica by replica: one wired status and one timed send per message.
    const dispatcherMetrics = await Promise.all(dispatchers.map(metrics));
    const metricSum = (name: string, labels: Record<string, string>) =>
      sum(
        dispatcherMetrics.flatMap((text) =>
          text
            .split('\n')
            .filter((l) => l.startsWith(`${name}{`))
            .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
            .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))),
        ),
      );
    expect(
      metricSum('smsgate_messages_total', { direction: 'outbound', status: 'wired', channel_type: 'ex' }),
    ).toBe(total);
    expect(metricSum('smsgate_send_duration_seconds_count', { channel_type: 'ex', result: 'accepted' })).toBe(
      total,
    );
    expect(dispatcherMetrics.join('\n')).toMatch(
      new RegExp(
        `smsgate_consumer_lag\\{topic="${Topics.outboundRequested}",partition="\\d+",group="${groups.dispatcher}"`,
      ),
    );
    // Each message reached the aggregator once.
    const sent = aggregator.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(sent.sort()).toEqual([...ids].sort());

    await waitFor(
      async () =>
        Number(
          (
            await db.query<{ n: string }>(
              `SELECT count(*) AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = 'wired'`,
              [ids],
            )
          ).rows[0].n,
        ) === total,
      { timeoutMs: 30_000, message: `${total} messages stored as wired` },
    );
  });

  it('lists messages on the ingress host too: GET /v1/messages is passed through to dlr-tracker', async () => {
    const query = '?limit=3&direction=out';
    const headers = { authorization: `Bearer ${workspace.apiKey}` };
    const direct = await fetch(`${trackers[0].url}/v1/messages${query}`, { headers });
    const through = await fetch(`${ingress.url}/v1/messages${query}`, { headers });
    expect(through.status).toBe(200);
    expect(through.headers.get('content-type')).toContain('application/json');
    const [a, b] = (await Promise.all([direct.json(), through.json()])) as { data: unknown[] }[];
    expect(direct.status).toBe(200);
    expect(a.data).toHaveLength(3);
    expect(b).toEqual(a);
    // dlr-tracker's own 400 (an unknown filter) comes back as it was.
    const refused = await fetch(`${ingress.url}/v1/messages?colour=blue`, { headers });
    expect(refused.status).toBe(400);
    const unauthenticated = await fetch(`${ingress.url}/v1/messages`);
    expect(unauthenticated.status).toBe(401);
  });

  it('carries one trace id from the HTTP request through Kafka headers into the logs of the replica that failed it', async () => {
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000124',
      config: { send_url: refusing.url('/refuse'), content_type: 'json', method: 'POST' },
    });
    const [id] = await send(
      { to: '+254711000999', text: 'traced', channel: channel.uuid },
      { traceparent: TRACEPARENT },
    );
    const traceOf = (header: string | undefined) => header?.split('-')[1];

    const request = await probe.waitForEvent(Topics.outboundRequested, id);
    expect(traceOf(request.headers.traceparent)).toBe(TRACE_ID);
    const failed = await probe.waitForEvent(Topics.outboundStatus, id, 'failed');
    expect(traceOf(failed.headers.traceparent)).toBe(TRACE_ID);
    // dlr-tracker, which applies statuses in batches, publishes the change in the same trace.
    const changed = await probe.waitForEvent(Topics.messageStatusChanged, id, 'failed');
    expect(traceOf(changed.headers.traceparent)).toBe(TRACE_ID);
    const letter = await probe.waitForDeadLetter(id);
    // The dead letter keeps the original record's traceparent, and is itself published in that trace.
    expect(traceOf((letter.value as { headers: Record<string, string> }).headers.traceparent)).toBe(TRACE_ID);
    expect(traceOf(letter.headers.traceparent)).toBe(TRACE_ID);
    await waitFor(() => dispatchers.some((d) => d.output.includes(`"trace_id":"${TRACE_ID}"`)), {
      message: 'a dispatcher log line naming the trace',
    });
    const line = dispatchers
      .flatMap((d) => d.output.split('\n'))
      .find((l) => l.includes(`"trace_id":"${TRACE_ID}"`))!;
    expect(JSON.parse(line)).toMatchObject({ service: 'dispatcher', level: 'warn', trace_id: TRACE_ID });
  });
});
