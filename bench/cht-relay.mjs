// cht-relay benchmarks (issue 6):
//  1. CHT's outgoing service: POST /api/v2/broadcasts.json flat out (a distinct message each), 201/s and
//     p50/p99 (each is an idempotency check, a row, and a Kafka publish acknowledged before answering).
//  2. CHT polling: GET /api/v2/messages.json?broadcast=<id>, requests/s and p50/p99.
import autocannon from 'autocannon';
import { benchInfra, postJson, secrets, startService } from './lib.mjs';
import testing from '../dist/libs/testing/src/consumer-groups.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const infra = benchInfra();
// A group of its own that starts where the topics end now: earlier runs' events are not this bench's.
const group = `cht-relay-bench-${Date.now()}`;
await testing.startGroupsAtEnd(infra.KAFKA_BROKERS, [group]);

const ingress = await startService('ingress', { ...infra });
const relay = await startService('cht-relay', {
  ...infra,
  DATABASE_POOL_SIZE: '20',
  CHT_API_RATE_PER_MINUTE: '100000000',
  LOOP_MAX_EXCHANGES: '1000000',
  KAFKA_GROUP_ID: group,
});
const workspace = await postJson(`${ingress.url}/v1/workspaces`, { name: 'bench cht' }, secrets.ADMIN_TOKEN);
ingress.child.kill('SIGTERM');
const headers = { authorization: `Token ${workspace.apiKey}`, 'content-type': 'application/json' };

const run = (options) =>
  new Promise((resolve, reject) =>
    autocannon({ url: relay.url, connections: 25, duration: SECONDS, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );

let n = 0;
const broadcasts = () =>
  run({
    requests: [
      {
        method: 'POST',
        path: '/api/v2/broadcasts.json',
        headers,
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            urns: [`tel:+2547${String(10_000_000 + (n++ % 9_000_000)).slice(-8)}`],
            text: `bench ${n} ${Date.now()}`,
          }),
        }),
      },
    ],
  });

await broadcasts(); // warm-up
const created = await broadcasts();
console.log(
  `cht-relay broadcasts.json (1 process, 25 connections, ${SECONDS}s): ${(created['2xx'] / SECONDS).toFixed(0)} created/s, ` +
    `p50 ${created.latency.p50} ms, p99 ${created.latency.p99} ms, non-2xx ${created.non2xx}, errors ${created.errors}, timeouts ${created.timeouts}`,
);

const one = await (
  await fetch(`${relay.url}/api/v2/broadcasts.json`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ urns: ['tel:+254711111111'], text: 'poll target' }),
  })
).json();
const polled = await run({
  requests: [{ method: 'GET', path: `/api/v2/messages.json?broadcast=${one.id}`, headers }],
});
console.log(
  `cht-relay messages.json (1 process, 25 connections, ${SECONDS}s): ${(polled['2xx'] / SECONDS).toFixed(0)} requests/s, ` +
    `p50 ${polled.latency.p50} ms, p99 ${polled.latency.p99} ms, non-2xx ${polled.non2xx}, RSS ${relay.rssMiB().toFixed(0)} MiB`,
);
relay.child.kill('SIGTERM');
