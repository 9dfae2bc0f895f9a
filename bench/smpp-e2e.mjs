// SMPP end to end, smsgate beside Kannel on the same SMSC simulator (issue 13). Printed, never asserted.
//
// Shapes, each on an empty database and fresh consumer groups:
//  - single (what real traffic looks like): BENCH_SMPP_E2E_MESSAGES (20,000) POST /v1/messages, one
//    destination each, 50 at a time, each with a notifyUrl; time until every `delivered` callback is back.
//    Every status is called back (4 callbacks a message).
//  - single-final: the same with notifyOn the final statuses (1 callback a message): what Kannel is
//    asked below (dlr-mask=1), so the like-for-like comparison.
//  - single-none (not run unless asked): no notifyUrl; until dlr-tracker stores every `delivered`.
//  - Kannel, same simulator, same load: sendsms one destination per request, 50 at a time, dlr-mask=1
//    and a dlr-url; time until every delivery report is back. Skipped (saying how to install it) when
//    Kannel cannot be had.
//  - bulk: the same messages 1,000 destinations per request (issue 4's shape); time until dlr-tracker
//    stores every `delivered`.
// Also: each service's idle CPU before the load, CPU per message per process, RSS at the end.
// BENCH_SMPP_E2E_SHAPES=single,single-final,kannel,bulk (the default) picks shapes; BENCH_SMPP_E2E_ROUNDS repeats them (medians).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cpuSeconds, median, root, runConcurrent, startReceiver } from './lib.mjs';
import { startKannel } from './kannel.mjs';
import { cpuLine, measured, startSmsgate as startPipeline } from './smsgate-smpp.mjs';

const MESSAGES = Number(process.env.BENCH_SMPP_E2E_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_SMPP_E2E_ROUNDS ?? 1);
const SHAPES = (process.env.BENCH_SMPP_E2E_SHAPES ?? 'single,single-final,kannel,bulk').split(',');
const CONCURRENCY = 50;
const WINDOW = 100;
const TEXT = 'Benchmark message over SMPP';
const numberOf = (i) => `+2547${String(10_000_000 + i).slice(-8)}`;

const simulator = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs')], {
  env: { ...process.env, SMSC_RECEIPTS: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const smscPort = await new Promise((resolve) =>
  simulator.stdout.once('data', (c) => resolve(Number(String(c)))),
);
const startSmsgate = () => startPipeline({ smscPort, simulatorPid: simulator.pid, window: WINDOW });

/**
 * CPU of each process over `seconds` without traffic, after `settle` seconds (start-up is not idle:
 * for the first seconds the binds come up and the JIT compiles what the first fetches and heartbeats
 * run). BENCH_IDLE_SETTLE, BENCH_IDLE_SECONDS.
 */
const IDLE_SETTLE = Number(process.env.BENCH_IDLE_SETTLE ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
async function idleCpu(processes, settle = IDLE_SETTLE, seconds = IDLE_SECONDS) {
  await new Promise((r) => setTimeout(r, settle * 1_000));
  const before = Object.fromEntries(Object.entries(processes()).map(([n, pids]) => [n, cpuSeconds(pids)]));
  await new Promise((r) => setTimeout(r, seconds * 1_000));
  return Object.entries(processes())
    .filter(([n]) => !['simulator', 'PostgreSQL'].includes(n))
    .map(([n, pids]) => `${n} ${((100 * (cpuSeconds(pids) - before[n])) / seconds).toFixed(1)}%`)
    .join(', ');
}

/** Messages dlr-tracker has stored as delivered since the start of this run (its stats API). */
const deliveredCount = (tracker, apiKey) => {
  const since = new Date(Date.now() - 60_000).toISOString();
  return async () =>
    (
      await (
        await fetch(`${tracker.url}/v1/stats?since=${encodeURIComponent(since)}`, {
          headers: { authorization: `Bearer ${apiKey}` },
        })
      ).json()
    ).byStatus?.delivered ?? 0;
};

/** Polls `count` until it reaches `n` (or 15 minutes pass); resolves with the last count. */
async function pollUntil(count, n) {
  let seen = 0;
  const deadline = Date.now() + 900_000;
  while (seen < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    seen = await count();
  }
  return seen;
}

/**
 * One destination per request, 50 at a time. `notify`: 'all' (a notifyUrl, called back on every
 * status: the default), 'final' (notifyOn the final statuses: what Kannel's dlr-mask=1 asks of it), or
 * 'none' (no notifyUrl: until dlr-tracker stores every delivered).
 */
async function smsgateSingle({ notify }) {
  const gate = await startSmsgate();
  const { ingress, 'dlr-tracker': tracker } = gate.services;
  console.log(
    `  idle CPU (${IDLE_SECONDS} s without traffic after ${IDLE_SETTLE} s to settle), % of a core: ${await idleCpu(gate.processes)}`,
  );
  const receiver = await startReceiver((url, body) => body.includes('"status":"delivered"'));
  const headers = { authorization: `Bearer ${gate.workspace.apiKey}`, 'content-type': 'application/json' };
  const url = `${ingress.url}/v1/messages`;
  const notifyUrl = notify === 'none' ? undefined : `${receiver.url}/status`;
  const notifyOn = notify === 'final' ? ['delivered', 'failed', 'expired', 'rejected', 'unknown'] : undefined;
  const stored = deliveredCount(tracker, gate.workspace.apiKey);
  const started = performance.now();
  const result = await measured(gate.processes, MESSAGES, async () => {
    const accept = await runConcurrent(MESSAGES, CONCURRENCY, (i) => ({
      url,
      headers,
      body: JSON.stringify({ to: numberOf(i), text: TEXT, channel: gate.channel.uuid, notifyUrl, notifyOn }),
    }));
    const count = notifyUrl
      ? (await receiver.until(MESSAGES, 900_000), receiver.count)
      : await pollUntil(stored, MESSAGES);
    return { accept, count, seconds: (performance.now() - started) / 1_000 };
  });
  const rate = result.count / result.seconds;
  const what = {
    all: 'delivered callbacks (every status called back)',
    final: 'delivered callbacks (notifyOn final statuses)',
    none: 'delivered stored (no notifyUrl)',
  }[notify];
  console.log(
    `  smsgate, one destination per request: ${result.count} of ${MESSAGES} ${what} in ` +
      `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s${result.count >= MESSAGES ? '' : ' (INCOMPLETE)'}; ` +
      `send API ${result.accept.rate.toFixed(0)} requests/s, p50 ${result.accept.p50.toFixed(1)} ms, ` +
      `p99 ${result.accept.p99.toFixed(1)} ms, answers ${JSON.stringify(result.accept.statuses)}`,
  );
  console.log(`  CPU per message, µs: ${cpuLine(result.cpu)}; RSS at the end, MiB: ${gate.rss()}`);
  await receiver.close();
  await gate.stop();
  return rate;
}

async function smsgateBulk() {
  const gate = await startSmsgate();
  const { ingress, 'dlr-tracker': tracker } = gate.services;
  const delivered = deliveredCount(tracker, gate.workspace.apiKey);
  const started = performance.now();
  const result = await measured(gate.processes, MESSAGES, async () => {
    for (let sent = 0; sent < MESSAGES; sent += 1_000) {
      const to = Array.from({ length: Math.min(1_000, MESSAGES - sent) }, (_, i) => numberOf(sent + i));
      const response = await fetch(`${ingress.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gate.workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to, text: TEXT, channel: gate.channel.uuid }),
      });
      if (response.status !== 202)
        throw new Error(`send answered ${response.status}: ${await response.text()}`);
    }
    const count = await pollUntil(delivered, MESSAGES);
    return { count, seconds: (performance.now() - started) / 1_000 };
  });
  const rate = result.count / result.seconds;
  console.log(
    `  smsgate, 1,000 destinations per request: ${result.count} of ${MESSAGES} delivered in ` +
      `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s`,
  );
  console.log(`  CPU per message, µs: ${cpuLine(result.cpu)}; RSS at the end, MiB: ${gate.rss()}`);
  await gate.stop();
  return rate;
}

async function kannelSingle() {
  const kannel = await startKannel({ smscPort, systemId: 'bench', password: 'bench', window: WINDOW });
  if (!kannel) return undefined;
  const receiver = await startReceiver(() => true);
  const dlrUrl = `${receiver.url}/dlr`;
  const processes = () => ({ Kannel: kannel.pids, simulator: [simulator.pid] });
  const started = performance.now();
  const result = await measured(processes, MESSAGES, async () => {
    const accept = await runConcurrent(MESSAGES, CONCURRENCY, (i) =>
      kannel.request(i, numberOf(i), TEXT, dlrUrl),
    );
    const complete = await receiver.until(MESSAGES, 900_000);
    return { accept, complete, seconds: (performance.now() - started) / 1_000 };
  });
  const rate = receiver.count / result.seconds;
  console.log(
    `  Kannel, one destination per request: ${receiver.count} of ${MESSAGES} delivery reports in ` +
      `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s${result.complete ? '' : ' (INCOMPLETE)'}; ` +
      `sendsms ${result.accept.rate.toFixed(0)} requests/s, p50 ${result.accept.p50.toFixed(1)} ms, ` +
      `p99 ${result.accept.p99.toFixed(1)} ms, answers ${JSON.stringify(result.accept.statuses)}`,
  );
  console.log(`  CPU per message, µs: ${cpuLine(result.cpu)}`);
  await receiver.close();
  await kannel.stop();
  return rate;
}

const rates = { single: [], 'single-final': [], 'single-none': [], kannel: [], bulk: [] };
for (let round = 1; round <= ROUNDS; round++) {
  console.log(
    `\nSMPP end to end, round ${round} of ${ROUNDS}, ${MESSAGES} messages, ${CONCURRENCY} concurrent:`,
  );
  if (SHAPES.includes('single')) rates.single.push(await smsgateSingle({ notify: 'all' }));
  if (SHAPES.includes('single-final')) rates['single-final'].push(await smsgateSingle({ notify: 'final' }));
  if (SHAPES.includes('single-none')) rates['single-none'].push(await smsgateSingle({ notify: 'none' }));
  if (SHAPES.includes('kannel')) {
    const rate = await kannelSingle();
    if (rate !== undefined) rates.kannel.push(rate);
  }
  if (SHAPES.includes('bulk')) rates.bulk.push(await smsgateBulk());
}
const m = (list) => (list.length ? median(list) : undefined);
const [single, final, none, kannel, bulk] = [
  m(rates.single),
  m(rates['single-final']),
  m(rates['single-none']),
  m(rates.kannel),
  m(rates.bulk),
];
const rate = (value) => (value === undefined ? '-' : `${value.toFixed(0)}/s`);
const ratio = (value) =>
  value !== undefined && kannel !== undefined ? ` (${(value / kannel).toFixed(2)} of Kannel)` : '';
console.log(
  `\nSMPP end to end, medians: smsgate single ${rate(single)}${ratio(single)}, single with notifyOn ` +
    `final ${rate(final)}${ratio(final)}, single without callbacks ${rate(none)}${ratio(none)}; ` +
    `Kannel single ${rate(kannel)}; smsgate bulk ${rate(bulk)}. Target: smsgate single >= Kannel.`,
);
simulator.kill('SIGTERM');
process.exit(0);
