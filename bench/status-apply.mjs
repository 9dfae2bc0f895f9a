// Delivery tracking benchmark (issue 5):
//  1. status events applied per second by one dlr-tracker: N requests are stored first; then, with the
//     tracker stopped, N dispatch results (wired, with a provider id) and N provider receipts
//     (delivered, correlated by that id) are put on Kafka, and a fresh tracker drains them.
//  2. callback throughput: every message has a notifyUrl on a local receiver; signed callbacks/s.
// Target: >= 10,000 status events/s.
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { benchInfra, postJson, secrets, startService } from './lib.mjs';

const MESSAGES = Number(process.env.BENCH_STATUS_MESSAGES ?? 10_000);
const TOPICS = [
  'sms.outbound.requested.v1',
  'sms.outbound.status.v1',
  'sms.outbound.receipt.v1',
  'sms.inbound.received.v1',
];

const infra = benchInfra();
const db = new pg.Client({ connectionString: infra.DATABASE_URL });
await db.connect();

let callbacks = 0;
let firstCallback = 0;
let lastCallback = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    callbacks++;
    lastCallback = performance.now();
    if (!firstCallback) firstCallback = lastCallback;
    response.end('ok');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const notifyUrl = `http://127.0.0.1:${receiver.address().port}/callbacks`;

const ingress = await startService('ingress', { ...infra, EGRESS_ALLOW: '127.0.0.1' });
const workspace = await postJson(
  `${ingress.url}/v1/workspaces`,
  { name: 'bench status' },
  secrets.ADMIN_TOKEN,
);
const channel = await postJson(
  `${ingress.url}/v1/channels`,
  {
    type: 'ex',
    name: 'bench',
    address: '+254700000001',
    config: { send_url: 'https://aggregator.example/send' },
  },
  workspace.apiKey,
);
ingress.child.kill('SIGTERM');

const kafka = new Kafka({
  clientId: 'bench',
  brokers: infra.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
});
const group = `dlr-tracker-bench-${Date.now()}`;
const admin = kafka.admin();
await admin.connect();
for (const topic of TOPICS) {
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({
    groupId: group,
    topic,
    partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
  });
}
await admin.disconnect();
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

const messages = Array.from({ length: MESSAGES }, (_, n) => ({
  id: randomUUID(),
  providerId: `bench-${n}-${randomUUID()}`,
  n,
}));
const historyRows = async () =>
  Number(
    (
      await db.query(
        `SELECT count(*) AS n FROM message_events e JOIN messages m ON m.id = e.message_id WHERE m.channel_id = $1`,
        [channel.uuid],
      )
    ).rows[0].n,
  );
const waitRows = async (target, deadlineMs = 600_000) => {
  const deadline = Date.now() + deadlineMs;
  let firstAt = 0;
  let rows = 0;
  while (Date.now() < deadline) {
    rows = await historyRows();
    if (rows > 0 && !firstAt) firstAt = performance.now();
    if (rows >= target) return { firstAt, doneAt: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`only ${rows} of ${target} history rows after ${deadlineMs} ms`);
};

const trackerEnv = {
  ...infra,
  KAFKA_GROUP_ID: group,
  CALLBACK_ALLOW_HOSTS: '127.0.0.1',
  CALLBACK_POLL_INTERVAL_MS: '50',
  CALLBACK_CONCURRENCY: '64',
  DATABASE_POOL_SIZE: '20',
};
let tracker = await startService('dlr-tracker', trackerEnv);
await produce(
  'sms.outbound.requested.v1',
  messages.map((m) => ({
    id: m.id,
    workspace: workspace.id,
    channel: channel.uuid,
    to: `+2547${String(10_000_000 + m.n).slice(-8)}`,
    text: `bench ${m.n}`,
    priority: 'normal',
    notifyUrl,
  })),
  (event) => event.id,
);
await waitRows(MESSAGES);
const settle = async (target) => {
  let previous = -1;
  for (let still = 0; callbacks < target && still < 100; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    still = callbacks === previous ? still + 1 : 0;
    previous = callbacks;
  }
};
await settle(MESSAGES); // the 'accepted' callbacks
tracker.child.kill('SIGTERM');
await new Promise((resolve) => tracker.child.once('exit', resolve));

const at = new Date().toISOString();
await produce(
  'sms.outbound.status.v1',
  messages.map((m) => ({
    eventId: randomUUID(),
    id: m.id,
    workspace: workspace.id,
    channel: channel.uuid,
    status: 'wired',
    attempt: 1,
    providerMessageId: m.providerId,
    at,
  })),
  (event) => event.id,
);
await produce(
  'sms.outbound.receipt.v1',
  messages.map((m) => ({
    eventId: randomUUID(),
    workspace: workspace.id,
    channel: channel.uuid,
    providerMessageId: m.providerId,
    status: 'delivered',
    detail: { stat: 'DELIVRD', err: '000' },
    at,
    receivedAt: at,
  })),
  (event) => event.channel,
);
await producer.disconnect();

const before = await historyRows();
callbacks = 0;
firstCallback = 0;
tracker = await startService('dlr-tracker', trackerEnv);
const deadline = Date.now() + 600_000;
let firstApplied = 0;
for (;;) {
  const rows = await historyRows();
  if (rows > before && !firstApplied) firstApplied = performance.now();
  if (rows >= 3 * MESSAGES) break;
  if (Date.now() > deadline)
    throw new Error(`only ${rows - before} of ${2 * MESSAGES} status events applied`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const applySeconds = (performance.now() - firstApplied) / 1_000;
const delivered = Number(
  (
    await db.query(`SELECT count(*) AS n FROM messages WHERE channel_id = $1 AND status = 'delivered'`, [
      channel.uuid,
    ])
  ).rows[0].n,
);
console.log(
  `status apply (1 dlr-tracker, ${2 * MESSAGES} events: ${MESSAGES} wired + ${MESSAGES} receipts correlated by provider id): ` +
    `${((2 * MESSAGES) / applySeconds).toFixed(0)} events/s over ${applySeconds.toFixed(1)} s, ${delivered} delivered, ` +
    `RSS ${tracker.rssMiB().toFixed(0)} MiB (target >= 10000/s)`,
);

// Callbacks of the second phase: wired and delivered for every message.
const expectedCallbacks = 2 * MESSAGES;
await settle(expectedCallbacks);
const callbackSeconds = (lastCallback - firstCallback) / 1_000;
console.log(
  `callbacks (signed POSTs to a local receiver): ${callbacks} of ${expectedCallbacks} received, ` +
    `${(callbacks / callbackSeconds).toFixed(0)}/s over ${callbackSeconds.toFixed(1)} s`,
);
tracker.child.kill('SIGTERM');
receiver.close();
await db.end();
