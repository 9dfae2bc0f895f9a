import { TopicPartitions, Topics } from '@smsgate/contracts';
import {
  connectTestDatabase,
  consumedEvents,
  createChannel,
  createWorkspace,
  RecordingServer,
  serviceEnv,
  ServiceProcess,
  startGroupsAtEnd,
  TopicProbe,
  waitFor,
  waitForGroupMembers,
} from '@smsgate/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

const brokers = process.env.KAFKA_BROKERS!;

/**
 * SIGTERM to one of two dispatcher replicas while they work through a backlog (the channel's rate
 * limit keeps sends in flight): it drains and exits 0, the other takes its partitions over, every
 * message is sent exactly once and reported wired, and no attempt is left half-done.
 */
describe('SIGTERM to a dispatcher replica during load', () => {
  const group = `dispatcher-drain-${randomUUID().slice(0, 8)}`;
  const env = serviceEnv({
    EGRESS_ALLOW: '127.0.0.1',
    CONFIG_CACHE_MS: '0',
    KAFKA_GROUP_ID: group,
  });
  let ingress: ServiceProcess;
  let replicas: ServiceProcess[] = [];
  let aggregator: RecordingServer;
  let probe: TopicProbe;
  let db: Client;

  beforeAll(async () => {
    await startGroupsAtEnd(brokers, [group]);
    aggregator = await RecordingServer.start();
    [ingress, replicas, probe] = await Promise.all([
      ServiceProcess.start('ingress', env),
      Promise.all([ServiceProcess.start('dispatcher', env), ServiceProcess.start('dispatcher', env)]),
      TopicProbe.start(brokers, [Topics.outboundStatus]),
    ]);
    db = await connectTestDatabase();
  });

  afterAll(async () => {
    await Promise.all([
      ingress?.stop(),
      ...replicas.map((r) => r.stop()),
      aggregator?.stop(),
      probe?.stop(),
      db?.end(),
    ]);
  });

  it('loses nothing, sends nothing twice and leaves no attempt half-sent', async () => {
    await waitForGroupMembers(brokers, group, 2);
    const workspace = await createWorkspace(ingress.url, 'e2e drain');
    // 20 parts per second per replica: the backlog takes several seconds, so SIGTERM lands mid-send.
    const channel = await createChannel(ingress.url, workspace.apiKey, {
      type: 'ex',
      address: '+254700000321',
      config: { send_url: aggregator.url('/drain'), content_type: 'json', method: 'POST', tps: 20 },
    });
    const total = 300;
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: Array.from({ length: total }, (_, i) => `+2547${String(30_000_000 + i).slice(-8)}`),
        text: 'drain me',
        channel: channel.uuid,
      }),
    });
    expect(response.status).toBe(202);
    const ids = ((await response.json()) as { messages: { id: string }[] }).messages.map((m) => m.id);
    expect(ids).toHaveLength(total);

    // SIGTERM the replica that is busy, once sending is well under way.
    const busy = async () => {
      const counts = await Promise.all(
        replicas.map(async (r) =>
          consumedEvents(await (await fetch(`${r.url}/metrics`)).text(), Topics.outboundRequested, group),
        ),
      );
      return counts[0] > 0 ? replicas[0] : counts[1] > 0 ? replicas[1] : undefined;
    };
    await waitFor(() => aggregator.requests.length >= 40, { message: 'sending under way' });
    const victim = await waitFor(busy, { message: 'a replica with finished work' });
    const survivor = replicas.find((r) => r !== victim)!;
    const sentBeforeStop = aggregator.requests.length;
    expect(sentBeforeStop).toBeLessThan(total);
    expect(await victim.stop('SIGTERM')).toBe(0);
    expect(victim.output).toContain('"msg":"stopped"');
    // The survivor took the stopped replica's partitions over.
    const [assignment] = Object.values(await waitForGroupMembers(brokers, group, 1));
    expect(assignment[Topics.outboundRequested]).toHaveLength(TopicPartitions[Topics.outboundRequested]);

    // Everything is sent and reported, by the survivor for what the stopped replica had not finished.
    const wired = () =>
      new Set(
        probe
          .find((m) => (m.value as { status?: string }).status === 'wired')
          .map((m) => (m.value as { id: string }).id)
          .filter((id) => ids.includes(id)),
      );
    await waitFor(() => wired().size === total, { timeoutMs: 90_000, message: `${total} wired statuses` });
    expect(survivor.output).toContain('"msg":"dispatcher listening"');

    // Exactly once at the aggregator.
    const sent = aggregator.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(sent.sort()).toEqual([...ids].sort());
    // One wired event per message (a re-published one would carry the same event id).
    const eventIds = new Map<string, Set<string>>();
    for (const m of probe.find((p) => (p.value as { status?: string }).status === 'wired')) {
      const { id, eventId } = m.value as { id: string; eventId: string };
      if (!ids.includes(id)) continue;
      eventIds.set(id, (eventIds.get(id) ?? new Set()).add(eventId));
    }
    expect([...eventIds.values()].filter((set) => set.size !== 1)).toEqual([]);
    // Every attempt finished: none is left 'sending' (half-sent).
    const attempts = await db.query<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM dispatch_attempts WHERE message_id = ANY($1::uuid[]) GROUP BY state`,
      [ids],
    );
    expect(attempts.rows.map((r) => [r.state, Number(r.n)])).toEqual([['done', total]]);
  });
});
