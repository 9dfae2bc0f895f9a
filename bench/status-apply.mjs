// Delivery tracking benchmark (issue 5). Two rounds, each on a channel and consumer group of its own:
//  - messages without a notifyUrl: the ledger alone;
//  - messages with a notifyUrl on a local receiver: the ledger writing the callback outbox while the
//    callback worker signs and POSTs, in the same process.
// In each round N requests are stored first; then, with the tracker stopped, N dispatch results (wired,
// with a provider id) and N provider receipts (delivered, correlated by that id) are put on Kafka, and
// a fresh tracker drains them. The rate counts the events after the first committed batch over the
// time from that commit to the last (the group's committed offsets are the probe: the tracker commits
// only after the transaction that applied a batch, and polling them costs the database nothing).
// Targets: >= 10,000 status events/s; callback throughput is reported.
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  benchInfra,
  cpuSeconds,
  postgresPids,
  postJson,
  secrets,
  startCountingServer,
  startService,
} from './lib.mjs';
import testing from '../dist/libs/testing/src/consumer-groups.js';

const MESSAGES = Number(process.env.BENCH_STATUS_MESSAGES ?? 10_000);
const STATUS_TOPICS = ['sms.outbound.status.v1', 'sms.outbound.receipt.v1'];
const TOPICS = ['sms.outbound.requested.v1', ...STATUS_TOPICS, 'sms.inbound.received.v1'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const infra = benchInfra();
const db = new pg.Client({ connectionString: infra.DATABASE_URL });
await db.connect();

const receiver = await startCountingServer('ok');
const notifyUrl = `${receiver.url}/callbacks`;

const ingress = await startService('ingress', { ...infra, EGRESS_ALLOW: '127.0.0.1' });
const workspace = await postJson(
  `${ingress.url}/v1/workspaces`,
  { name: 'bench status' },
  secrets.ADMIN_TOKEN,
);
const channels = [];
for (const name of ['bench ordered', 'bench race', 'bench callbacks'])
  channels.push(
    await postJson(
      `${ingress.url}/v1/channels`,
      { type: 'ex', name, address: '+254700000001', config: { send_url: 'https://aggregator.example/send' } },
      workspace.apiKey,
    ),
  );
ingress.child.kill('SIGTERM');

const kafka = new Kafka({
  clientId: 'bench',
  brokers: infra.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const produce = async (topic, events, keyOf) => {
  for (let start = 0; start < events.length; start += 1_000) {
    await producer.send({
      topic,
      acks: -1,
      messages: events
        .slice(start, start + 1_000)
        .map((event) => ({ key: keyOf(event), value: JSON.stringify(event) })),
    });
  }
};
const endOffsets = async (topics) => {
  const ends = new Map();
  for (const topic of topics)
    for (const { partition, high } of await admin.fetchTopicOffsets(topic))
      ends.set(`${topic}:${partition}`, Number(high));
  return ends;
};
/** Events of `topics` between `from` and `to` the group has not committed yet. */
const uncommitted = async (group, topics, from, to) => {
  let left = 0;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics }))
    for (const { partition, offset } of partitions) {
      const key = `${topic}:${partition}`;
      left += Math.max(0, to.get(key) - Math.max(Number(offset), from.get(key) ?? 0));
    }
  return left;
};
const settleCallbacks = async (target) => {
  let previous = -1;
  for (let still = 0; receiver.count < target && still < 100; ) {
    await sleep(100);
    still = receiver.count === previous ? still + 1 : 0;
    previous = receiver.count;
  }
};

async function round(channel, withCallbacks, race) {
  const group = `dlr-tracker-bench-${Date.now()}`;
  // Only this bench produces from here on: the ends the group starts at are the ones read next.
  await testing.startGroupsAtEnd(infra.KAFKA_BROKERS, [group]);
  const starts = await endOffsets(TOPICS);
  const env = {
    ...infra,
    KAFKA_GROUP_ID: group,
    EGRESS_ALLOW: '127.0.0.1',
    CALLBACK_POLL_INTERVAL_MS: '50',
    CALLBACK_CONCURRENCY: '64',
    DATABASE_POOL_SIZE: '20',
  };
  const messages = Array.from({ length: MESSAGES }, (_, n) => ({
    id: randomUUID(),
    providerId: `bench-${n}-${randomUUID()}`,
    n,
  }));

  // Phase 1, not measured: the requests, stored by a running tracker.
  let tracker = await startService('dlr-tracker', env);
  await produce(
    'sms.outbound.requested.v1',
    messages.map((m) => ({
      id: m.id,
      workspace: workspace.id,
      channel: channel.uuid,
      to: `+2547${String(10_000_000 + m.n).slice(-8)}`,
      text: `bench ${m.n}`,
      priority: 'normal',
      notifyUrl: withCallbacks ? notifyUrl : undefined,
    })),
    (event) => event.id,
  );
  const requested = await endOffsets(['sms.outbound.requested.v1']);
  while ((await uncommitted(group, ['sms.outbound.requested.v1'], starts, requested)) > 0) await sleep(250);
  if (withCallbacks) await settleCallbacks(MESSAGES); // the 'accepted' callbacks
  tracker.child.kill('SIGTERM');
  await new Promise((resolve) => tracker.child.once('exit', resolve));

  const wired = () =>
    produce(
      'sms.outbound.status.v1',
      messages.map((m) => ({
        eventId: randomUUID(),
        id: m.id,
        workspace: workspace.id,
        channel: channel.uuid,
        status: 'wired',
        attempt: 1,
        providerMessageId: m.providerId,
        at: new Date().toISOString(),
      })),
      (event) => event.id,
    );
  const receipts = () =>
    produce(
      'sms.outbound.receipt.v1',
      messages.map((m) => ({
        eventId: randomUUID(),
        workspace: workspace.id,
        channel: channel.uuid,
        providerMessageId: m.providerId,
        status: 'delivered',
        detail: { stat: 'DELIVRD', err: '000' },
        at: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
      })),
      (event) => `${event.channel}:${event.providerMessageId}`, // receiptKey() of @smsgate/contracts
    );
  /** Puts the events on Kafka with the tracker stopped, starts one, and times how fast it drains them. */
  const drain = async (produceAll) => {
    const from = await endOffsets(STATUS_TOPICS);
    await produceAll();
    const to = await endOffsets(STATUS_TOPICS);
    let total = 0;
    for (const [key, end] of to) total += end - from.get(key);
    receiver.firstAt = 0;
    tracker = await startService('dlr-tracker', env);
    const deadline = Date.now() + 600_000;
    let firstAt = 0;
    let appliedAtFirst = 0;
    let pgPids = [];
    let cpuAtFirst;
    for (;;) {
      const left = await uncommitted(group, STATUS_TOPICS, from, to);
      if (left < total && !firstAt) {
        firstAt = performance.now();
        appliedAtFirst = total - left;
        pgPids = postgresPids();
        cpuAtFirst = { tracker: cpuSeconds([tracker.child.pid]), postgres: cpuSeconds(pgPids) };
      }
      if (left === 0) break;
      if (Date.now() > deadline) throw new Error(`${left} of ${total} status events not applied`);
      await sleep(20);
    }
    const seconds = (performance.now() - firstAt) / 1_000;
    const cpu = {
      tracker: cpuSeconds([tracker.child.pid]) - cpuAtFirst.tracker,
      postgres: cpuSeconds(pgPids) - cpuAtFirst.postgres,
    };
    const rss = tracker.rssMiB();
    let callbackSeconds = 0;
    if (withCallbacks) {
      await settleCallbacks(receiver.count + total);
      callbackSeconds = (receiver.lastAt - receiver.firstAt) / 1_000;
    }
    tracker.child.kill('SIGTERM');
    await new Promise((resolve) => tracker.child.once('exit', resolve));
    return { events: total - appliedAtFirst, seconds, rss, callbackSeconds, cpu };
  };

  receiver.count = 0;
  const phases = race
    ? [await drain(() => Promise.all([wired(), receipts()]))]
    : [await drain(wired), await drain(receipts)];
  const events = phases.reduce((sum, p) => sum + p.events, 0);
  const seconds = phases.reduce((sum, p) => sum + p.seconds, 0);
  const total = 2 * MESSAGES;
  const perEvent = (what) => ((1e6 * phases.reduce((sum, p) => sum + p.cpu[what], 0)) / events).toFixed(0);
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM messages WHERE channel_id = $1 AND status = 'delivered') AS delivered,
            (SELECT count(*) FROM message_events e JOIN messages m ON m.id = e.message_id
             WHERE m.channel_id = $1) AS history`,
    [channel.uuid],
  );
  const how = race
    ? 'wired and receipts on Kafka together, most receipts racing ahead of their dispatch result'
    : `${MESSAGES} wired drained, then ${MESSAGES} receipts: ${phases
        .map((p) => `${(p.events / p.seconds).toFixed(0)}/s`)
        .join(' and ')}`;
  console.log(
    `status apply, ${withCallbacks ? 'with' : 'without'} callbacks (1 dlr-tracker, ${total} events; ${how}): ` +
      `${(events / seconds).toFixed(0)} events/s (${events} events after each first committed batch, over ` +
      `${seconds.toFixed(1)} s); ${rows[0].delivered} delivered, ${rows[0].history} history rows, ` +
      `CPU per event: dlr-tracker ${perEvent('tracker')} µs, PostgreSQL ${perEvent('postgres')} µs; ` +
      `RSS ${Math.max(...phases.map((p) => p.rss)).toFixed(0)} MiB (target >= 10000/s)`,
  );
  if (withCallbacks) {
    const callbackSeconds = phases.reduce((sum, p) => sum + p.callbackSeconds, 0);
    console.log(
      `callbacks (signed POSTs to a local receiver, while applying): ${receiver.count} of ${total} received, ` +
        `${(receiver.count / callbackSeconds).toFixed(0)}/s over ${callbackSeconds.toFixed(1)} s`,
    );
  }
}

const mode = process.env.BENCH_STATUS_ROUNDS ?? 'ordered,race,callbacks';
if (mode.includes('ordered')) await round(channels[0], false, false);
if (mode.includes('race')) await round(channels[1], false, true);
if (mode.includes('callbacks')) await round(channels[2], true, false);
await admin.disconnect();
await producer.disconnect();
receiver.close();
await db.end();
