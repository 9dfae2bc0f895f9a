// Send path benchmarks (issue 3):
//  1. send API: POST /v1/messages at a fixed 1,000 requests/s, then flat out; accepted/s and p50/p99.
//  2. dispatch: N requests already on Kafka, one dispatcher drains them to a local HTTP aggregator
//     (RapidPro External API format); messages/s from the first to the last request it receives.
// Targets: p99 accept < 50 ms at 1,000/s; >= 2,000 messages/s through one dispatcher.
import autocannon from 'autocannon';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { benchInfra, median, postJson, secrets, startCountingServer, startService } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DISPATCH_MESSAGES = Number(process.env.BENCH_DISPATCH_MESSAGES ?? 20_000);

const infra = benchInfra();

// A minimal aggregator: counts requests, answers 200 at once.
const aggregator = await startCountingServer('OK');
const sendUrl = `${aggregator.url}/send`;

const ingress = await startService('ingress', {
  ...infra,
  DATABASE_POOL_SIZE: '20',
  EGRESS_ALLOW: '127.0.0.1',
});
const workspace = await postJson(`${ingress.url}/v1/workspaces`, { name: 'bench send' }, secrets.ADMIN_TOKEN);
const channel = await postJson(
  `${ingress.url}/v1/channels`,
  {
    type: 'ex',
    name: 'bench',
    address: '+254700000001',
    config: { send_url: sendUrl, content_type: 'json' },
  },
  workspace.apiKey,
);

const sendRun = (overallRate) =>
  new Promise((resolve, reject) => {
    let n = 0;
    autocannon(
      {
        url: ingress.url,
        connections: 50, // the single-message shape: 50 concurrent
        duration: SECONDS,
        overallRate,
        requests: [
          {
            method: 'POST',
            path: '/v1/messages',
            headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({
                to: `+2547${String(10_000_000 + (n++ % 9_000_000)).slice(-8)}`,
                text: `bench ${n}`,
                channel: channel.uuid,
              }),
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

await sendRun(200); // warm-up
for (const rate of [1_000, undefined]) {
  const result = await sendRun(rate);
  console.log(
    `send API (1 ingress, 50 connections, one destination per request, ${rate ? `${rate}/s offered` : 'flat out'}, ${SECONDS}s): ${(result['2xx'] / SECONDS).toFixed(0)} accepted/s, ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}` +
      (rate ? '' : ' (target >= 5000/s, p99 < 50 ms)'),
  );
}
ingress.child.kill('SIGTERM');

// Dispatch: put the requests on Kafka first, then let one dispatcher drain them.
const kafka = new Kafka({
  clientId: 'bench',
  brokers: infra.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
});
// The dispatcher's group starts where the topic ends now: earlier runs' requests are not ours.
const group = `dispatcher-bench-${Date.now()}`;
const admin = kafka.admin();
await admin.connect();
const ends = await admin.fetchTopicOffsets('sms.outbound.requested.v1');
await admin.setOffsets({
  groupId: group,
  topic: 'sms.outbound.requested.v1',
  partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
});
await admin.disconnect();
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let sent = 0; sent < DISPATCH_MESSAGES; sent += 1_000) {
  const messages = Array.from({ length: Math.min(1_000, DISPATCH_MESSAGES - sent) }, (_, i) => {
    const id = randomUUID();
    return {
      key: id,
      value: JSON.stringify({
        id,
        workspace: workspace.id,
        channel: channel.uuid,
        to: `+2547${String(10_000_000 + sent + i).slice(-8)}`,
        text: `dispatch ${sent + i}`,
        priority: 'normal',
      }),
    };
  });
  await producer.send({ topic: 'sms.outbound.requested.v1', messages, acks: -1 });
}
await producer.disconnect();
aggregator.count = 0;
aggregator.firstAt = 0;
const dispatcher = await startService('dispatcher', {
  ...infra,
  KAFKA_GROUP_ID: group,
  EGRESS_ALLOW: '127.0.0.1',
  DATABASE_POOL_SIZE: '20',
});
const deadline = Date.now() + 600_000;
let previous = -1;
let still = 0;
while (Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 1_000));
  still = aggregator.count === previous ? still + 1 : 0;
  previous = aggregator.count;
  if (aggregator.count >= DISPATCH_MESSAGES && still >= 3) break;
}
const seconds = (aggregator.lastAt - aggregator.firstAt) / 1_000;
console.log(
  `dispatch (1 dispatcher, ${aggregator.count} requests to a local aggregator): ${(aggregator.count / seconds).toFixed(0)} messages/s over ${seconds.toFixed(1)} s, ` +
    `dispatcher RSS ${dispatcher.rssMiB().toFixed(0)} MiB (target >= 2000/s)`,
);
dispatcher.child.kill('SIGTERM');
aggregator.close();
void median;
