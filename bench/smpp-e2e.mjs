// SMPP end to end (issue 4): messages per second from POST /v1/messages on ingress, through dispatcher
// and smpp-binds (two transceiver binds, window 100) to the SMSC simulator
// (own process, receipt at once), back through the receipt to dlr-tracker storing `delivered`.
// Printed, never asserted. Target: >= 1,500 messages/s on this 2-core machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { benchInfra, cpuSeconds, postgresPids, postJson, root, secrets, startService } from './lib.mjs';
import testing from '../dist/libs/testing/src/consumer-groups.js';

const { startGroupsAtEnd } = testing;

const MESSAGES = Number(process.env.BENCH_SMPP_E2E_MESSAGES ?? 20_000);
const infra = benchInfra();

const simulator = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs')], {
  env: { ...process.env, SMSC_RECEIPTS: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const smscPort = await new Promise((resolve) =>
  simulator.stdout.once('data', (c) => resolve(Number(String(c)))),
);

// Fresh consumer groups that start at the end of their topics: earlier benchmarks' traffic stays there.
const run = Date.now();
const groups = {
  dispatcher: `dispatcher-bench-smpp-${run}`,
  'smpp-binds': `smpp-binds-bench-${run}`,
  'dlr-tracker': `dlr-tracker-bench-smpp-${run}`,
};
await startGroupsAtEnd(infra.KAFKA_BROKERS, Object.values(groups));

const common = { ...infra, DATABASE_POOL_SIZE: '20' };
const ingress = await startService('ingress', common);
const [dispatcher, smppBinds, tracker] = await Promise.all([
  startService('dispatcher', { ...common, KAFKA_GROUP_ID: groups.dispatcher, CONFIG_CACHE_MS: '5000' }),
  startService('smpp-binds', {
    ...common,
    KAFKA_GROUP_ID: groups['smpp-binds'],
    RECONCILE_INTERVAL_MS: '500',
  }),
  startService('dlr-tracker', { ...common, KAFKA_GROUP_ID: groups['dlr-tracker'] }),
]);

const workspace = await postJson(`${ingress.url}/v1/workspaces`, { name: 'bench smpp' }, secrets.ADMIN_TOKEN);
const channel = await postJson(
  `${ingress.url}/v1/channels`,
  {
    type: 'smpp',
    name: 'bench',
    address: 'SMSGATE',
    config: { host: '127.0.0.1', port: smscPort, system_id: 'bench', binds: 2, window: 100 },
    secrets: { password: 'bench' },
  },
  workspace.apiKey,
);
// Wait for the binds.
for (;;) {
  const binds = await (
    await fetch(`${smppBinds.url}/v1/binds`, { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } })
  ).json();
  if (binds.channels?.some((c) => c.channel === channel.uuid && c.state === 'bound')) break;
  await new Promise((r) => setTimeout(r, 200));
}

const since = new Date(Date.now() - 60_000).toISOString();
const delivered = async () => {
  const stats = await (
    await fetch(`${tracker.url}/v1/stats?since=${encodeURIComponent(since)}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    })
  ).json();
  return stats.byStatus?.delivered ?? 0;
};

// CPU of each process while the messages flow: where a message's cost goes.
const kafkaPid = readFileSync(path.join(root, '.local/bench-infra/kafka/kafka.pid'), 'utf8').trim();
const processes = () => ({
  ingress: [ingress.child.pid],
  dispatcher: [dispatcher.child.pid],
  'smpp-binds': [smppBinds.child.pid],
  'dlr-tracker': [tracker.child.pid],
  simulator: [simulator.pid],
  Kafka: [kafkaPid],
  PostgreSQL: postgresPids(),
});
const cpuAtStart = Object.fromEntries(
  Object.entries(processes()).map(([name, pids]) => [name, cpuSeconds(pids)]),
);
const started = performance.now();
for (let sent = 0; sent < MESSAGES; sent += 1_000) {
  const to = Array.from(
    { length: Math.min(1_000, MESSAGES - sent) },
    (_, i) => `+2547${String(10_000_000 + sent + i).slice(-8)}`,
  );
  const response = await fetch(`${ingress.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to, text: 'Benchmark message over SMPP', channel: channel.uuid }),
  });
  if (response.status !== 202) throw new Error(`send answered ${response.status}: ${await response.text()}`);
}
const accepted = performance.now();
const submitted = async () => {
  const text = await (await fetch(`${smppBinds.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('smsgate_smpp_submits_total') && l.includes(channel.uuid) && l.includes('accepted'),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
};
let count = 0;
let submittedAt;
const deadline = Date.now() + 600_000;
while (count < MESSAGES && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 250));
  if (!submittedAt && (await submitted()) >= MESSAGES) submittedAt = performance.now();
  count = await delivered();
}
const seconds = (performance.now() - started) / 1_000;
console.log(
  `\nSMPP end to end (send API → dispatcher → smpp-binds → simulator → receipt → dlr-tracker delivered): ` +
    `${count} of ${MESSAGES} delivered in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(0)} messages/s ` +
    `(sends accepted in ${((accepted - started) / 1_000).toFixed(1)} s, all submitted to the SMSC in ` +
    `${submittedAt ? ((submittedAt - started) / 1_000).toFixed(1) : '?'} s; target >= 1,500/s)`,
);
const cpu = Object.entries(processes()).map(
  ([name, pids]) =>
    `${name} ${((1e6 * (cpuSeconds(pids) - cpuAtStart[name])) / Math.max(count, 1)).toFixed(0)}`,
);
const rss = Object.entries({ ingress, dispatcher, 'smpp-binds': smppBinds, 'dlr-tracker': tracker }).map(
  ([name, service]) => `${name} ${service.rssMiB().toFixed(0)}`,
);
console.log(`CPU per delivered message, µs: ${cpu.join(', ')}; RSS at the end, MiB: ${rss.join(', ')}`);
for (const service of [ingress, dispatcher, smppBinds, tracker]) service.child.kill('SIGTERM');
simulator.kill('SIGTERM');
