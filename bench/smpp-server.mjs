// smsgate's SMPP server (issue 19): ESMEs bind to smsgate and submit. Printed, never asserted.
//
// Shapes, each on an empty database and fresh consumer groups:
//  - submit: one transceiver bind submitting for BENCH_SMPP_SERVER_SECONDS (5) at window 1, 50 (the
//    single-message shape's concurrency) and 100; submit_sm answered with a message id per second. An
//    answer means durable (the message on Kafka with acks=-1 and its row in PostgreSQL). Median of
//    BENCH_SMPP_SERVER_ROUNDS (3) runs after a warm-up. Target: >= 5,000/s at window 100. Only ingress
//    (to create the account) and smpp-server run. CPU per submit of smpp-server, Kafka and PostgreSQL.
//  - e2e: BENCH_SMPP_SERVER_MESSAGES (10,000) submit_sm, one destination each, window 50, asking for
//    a receipt (registered_delivery 1): ESME → smsgate's SMPP server → dispatcher → smpp-binds → the
//    SMSC simulator → its receipt → dlr-tracker → smpp-server → deliver_sm to the ESME; time until every
//    receipt is back. Beside it Kannel on the same simulator under the same load (sendsms one
//    destination per request, 50 at a time, dlr-mask 1): the per-message target of issue 13 is smsgate
//    >= Kannel, and the ratio is printed.
// BENCH_SMPP_SERVER_SHAPES=submit,e2e,kannel (the default) picks shapes.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  benchInfra,
  median,
  postgresPids,
  postJson,
  root,
  runConcurrent,
  secrets,
  startReceiver,
  startService,
} from './lib.mjs';
import { startKannel } from './kannel.mjs';
import {
  cpuLine,
  kafkaPidOf,
  measured,
  startSmppServer,
  startSmsgate,
  stopServices,
} from './smsgate-smpp.mjs';
import testing from '../dist/libs/testing/src/consumer-groups.js';

const require = createRequire(import.meta.url);
const { BindPool, shortMessage, encodeText } = require(path.join(root, 'dist/libs/smpp/src/index.js'));
const { startGroupsAtEnd } = testing;

const SECONDS = Number(process.env.BENCH_SMPP_SERVER_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_SMPP_SERVER_ROUNDS ?? 3);
const MESSAGES = Number(process.env.BENCH_SMPP_SERVER_MESSAGES ?? 10_000);
const SHAPES = (process.env.BENCH_SMPP_SERVER_SHAPES ?? 'submit,e2e,kannel').split(',');
const CONCURRENCY = 50;
const TEXT = 'Benchmark message over SMPP';
const numberOf = (i) => `2547${String(10_000_000 + i).slice(-8)}`;

const submitPdu = (i, registeredDelivery = 0) =>
  shortMessage('submit_sm', {
    source: { ton: 5, npi: 0, addr: 'SMSGATE' },
    destination: { ton: 1, npi: 1, addr: numberOf(i) },
    registeredDelivery,
    shortMessage: encodeText(TEXT, 'gsm7'),
  });

/** An ESME: one transceiver bind to smsgate; `receipts` counts the deliver_sm receipts it was sent. */
async function bindEsme({ port, systemId, password, window }) {
  const esme = { receipts: 0, waiter: undefined };
  const pool = new BindPool({
    session: {
      host: '127.0.0.1',
      port,
      systemId,
      password,
      window,
      responseTimeoutMs: 30_000,
      enquireLinkMs: 30_000,
    },
    mode: 'transceiver',
    binds: 1,
    reconnectInitialMs: 100,
    reconnectMaxMs: 1_000,
    onInbound: async (pdu) => {
      if (pdu.esmClass & 0x04) {
        esme.receipts++;
        if (esme.waiter && esme.receipts >= esme.waiter.n) esme.waiter.resolve();
      }
      return { status: 0 };
    },
  });
  pool.start();
  const deadline = Date.now() + 30_000;
  while (pool.state !== 'bound') {
    if (Date.now() > deadline) throw new Error('the ESME could not bind to smsgate');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Object.assign(esme, {
    pool,
    until: (n, timeoutMs) =>
      esme.receipts >= n
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            esme.waiter = { n, resolve: () => (clearTimeout(timer), resolve(true)) };
          }),
  });
}

/** An account for the ESME in a new workspace, through ingress' API. */
async function createAccount(ingress, body = {}) {
  const workspace = await postJson(
    `${ingress.url}/v1/workspaces`,
    { name: 'bench smpp server' },
    secrets.ADMIN_TOKEN,
  );
  const account = await postJson(
    `${ingress.url}/v1/smpp-accounts`,
    { systemId: `bench${Date.now() % 1e9}`, maxBinds: 4, ...body },
    workspace.apiKey,
  );
  if (!account.password) throw new Error(`the account was not created: ${JSON.stringify(account)}`);
  return { workspace, account };
}

async function submitShape() {
  const infra = benchInfra();
  const group = `smpp-server-bench-${Date.now()}`;
  await startGroupsAtEnd(infra.KAFKA_BROKERS, [group]);
  const ingress = await startService('ingress', infra);
  const server = await startSmppServer({ ...infra, KAFKA_GROUP_ID: group });
  const { account } = await createAccount(ingress);
  const kafkaPid = kafkaPidOf();
  const processes = () => ({
    'smpp-server': [server.child.pid],
    Kafka: [kafkaPid],
    PostgreSQL: postgresPids(),
  });
  console.log('\nSMPP server: accepted (durable) submit_sm/s, one transceiver bind');
  let i = 0;
  const run = async (window) => {
    const esme = await bindEsme({
      port: server.smppPort,
      systemId: account.systemId,
      password: account.password,
      window,
    });
    let answered = 0;
    const refused = {};
    const until = performance.now() + SECONDS * 1_000;
    const started = performance.now();
    const result = await measured(processes, 1, async () => {
      // Twice the window of submitters keeps the window full.
      await Promise.all(
        Array.from({ length: window * 2 }, async () => {
          while (performance.now() < until) {
            const answer = await esme.pool.submit(submitPdu(i++));
            if (answer.kind === 'accepted') answered++;
            else
              refused[answer.statusName ?? answer.kind] =
                (refused[answer.statusName ?? answer.kind] ?? 0) + 1;
          }
        }),
      );
      return {};
    });
    const rate = answered / ((performance.now() - started) / 1_000);
    await esme.pool.stop();
    const cpu = Object.fromEntries(
      Object.entries(result.cpu).map(([n, us]) => [n, us / Math.max(answered, 1)]),
    );
    return { rate, cpu, refused };
  };
  for (const window of [1, CONCURRENCY, 100]) {
    await run(window); // warm-up
    const runs = [];
    for (let round = 0; round < ROUNDS; round++) runs.push(await run(window));
    const best = runs.map((r) => r.rate);
    const middle = runs.find((r) => r.rate === median(best));
    const refused = Object.keys(middle.refused).length ? `; refused ${JSON.stringify(middle.refused)}` : '';
    console.log(
      `  window ${String(window).padStart(3)}: ${Math.round(median(best)).toLocaleString('en')} submit_sm/s ` +
        `(runs: ${best.map((rate) => Math.round(rate)).join(', ')}); CPU per submit, µs: ${cpuLine(middle.cpu)}${refused}`,
    );
  }
  await stopServices([ingress, server]);
}

const simulator = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs')], {
  env: { ...process.env, SMSC_RECEIPTS: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const smscPort = await new Promise((resolve) =>
  simulator.stdout.once('data', (c) => resolve(Number(String(c)))),
);

async function e2eShape() {
  const gate = await startSmsgate({ smscPort, simulatorPid: simulator.pid, window: 100, smppServer: true });
  const { ingress, 'smpp-server': server } = gate.services;
  const account = await postJson(
    `${ingress.url}/v1/smpp-accounts`,
    { systemId: `e2e${Date.now() % 1e9}`, channel: gate.channel.uuid },
    gate.workspace.apiKey,
  );
  const esme = await bindEsme({
    port: server.smppPort,
    systemId: account.systemId,
    password: account.password,
    window: CONCURRENCY,
  });
  const started = performance.now();
  const result = await measured(gate.processes, MESSAGES, async () => {
    let next = 0;
    const refused = {};
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < MESSAGES) {
          const answer = await esme.pool.submit(submitPdu(next++, 1));
          if (answer.kind !== 'accepted')
            refused[answer.statusName ?? answer.kind] = (refused[answer.statusName ?? answer.kind] ?? 0) + 1;
        }
      }),
    );
    const submitted = (performance.now() - started) / 1_000;
    const complete = await esme.until(MESSAGES, 900_000);
    return { refused, submitted, complete, seconds: (performance.now() - started) / 1_000 };
  });
  const rate = esme.receipts / result.seconds;
  console.log(
    `  smsgate, ESME → SMPP server → SMSC simulator → receipt back: ${esme.receipts} of ${MESSAGES} receipts in ` +
      `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s${result.complete ? '' : ' (INCOMPLETE)'}; ` +
      `submitted in ${result.submitted.toFixed(1)} s` +
      (Object.keys(result.refused).length ? `, refused ${JSON.stringify(result.refused)}` : ''),
  );
  console.log(`  CPU per message, µs: ${cpuLine(result.cpu)}; RSS at the end, MiB: ${gate.rss()}`);
  await esme.pool.stop();
  await gate.stop();
  return rate;
}

async function kannelShape() {
  const kannel = await startKannel({ smscPort, systemId: 'bench', password: 'bench', window: 100 });
  if (!kannel) return undefined;
  const receiver = await startReceiver(() => true);
  const processes = () => ({ Kannel: kannel.pids, simulator: [simulator.pid] });
  const started = performance.now();
  const result = await measured(processes, MESSAGES, async () => {
    await runConcurrent(MESSAGES, CONCURRENCY, (i) =>
      kannel.request(i, `+${numberOf(i)}`, TEXT, `${receiver.url}/dlr`),
    );
    const complete = await receiver.until(MESSAGES, 900_000);
    return { complete, seconds: (performance.now() - started) / 1_000 };
  });
  const rate = receiver.count / result.seconds;
  console.log(
    `  Kannel, sendsms one destination per request: ${receiver.count} of ${MESSAGES} delivery reports in ` +
      `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s${result.complete ? '' : ' (INCOMPLETE)'}`,
  );
  console.log(`  CPU per message, µs: ${cpuLine(result.cpu)}`);
  await receiver.close();
  await kannel.stop();
  return rate;
}

if (SHAPES.includes('submit')) await submitShape();
let e2e;
let kannel;
if (SHAPES.includes('e2e') || SHAPES.includes('kannel'))
  console.log(
    `\nSMPP server end to end, ${MESSAGES} messages, ${CONCURRENCY} in flight, same SMSC simulator:`,
  );
if (SHAPES.includes('e2e')) e2e = await e2eShape();
if (SHAPES.includes('kannel')) kannel = await kannelShape();
if (e2e !== undefined && kannel !== undefined)
  console.log(
    `  ratio: smsgate's SMPP server end to end ${(e2e / kannel).toFixed(2)} of Kannel. Target: >= 1.`,
  );
simulator.kill('SIGTERM');
process.exit(0);
