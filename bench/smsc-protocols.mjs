// Submits per second over one connection of each SMSC protocol smsgate speaks (issue 20): SMPP (one
// transceiver bind), UCP/EMI and CIMD2, each against its simulator from libs/testing running in its own
// process, through the same pool smpp-binds uses (libs/smsc's LinkPool). Windows: 1 (stop-and-wait),
// 50 (the single-message shape's concurrency) and each protocol's largest (SMPP and UCP 100, CIMD2
// 128). One message per submit, GSM text of a typical length. Median of BENCH_SMSC_ROUNDS (3) runs of
// BENCH_SMSC_SECONDS (3) after a warm-up, the client's CPU per submit, and each rate's ratio to SMPP's.
// Beside it, the anchor: Kannel 1.4.5 (bearerbox + smsbox) with one connection of the same protocol
// (smsc = smpp / emi / cimd2) to the same simulator, BENCH_SMSC_KANNEL_MESSAGES (3,000) messages through
// its sendsms, one destination per request, 50 at a time, timed until the simulator has them all.
// Kannel's figure is end to end (HTTP, its store, its queue), ours is the connection alone: the ratio
// shows that the protocol client is not what limits smsgate (its end to end is bench/smpp-e2e.mjs).
// Then, unless BENCH_SMSC_E2E=0, end to end for UCP and CIMD2 in the single-message shape, like issue 13's
// SMPP figure: BENCH_SMSC_E2E_MESSAGES (3,000) POST /v1/messages, one destination each, 50 at a time,
// through every service to a channel of one connection to the simulator (which reports each delivered),
// until dlr-tracker stores every `delivered`; beside it Kannel on the same simulator, sendsms one
// destination per request, 50 at a time, dlr-mask 1, until every delivery report is back; and the ratio.
// Printed, never asserted.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startKannel } from './kannel.mjs';
import { benchInfra, cpuSeconds, median, root, runConcurrent, startReceiver } from './lib.mjs';
import { cpuLine, measured, startSmsgate } from './smsgate-smpp.mjs';

const require = createRequire(import.meta.url);
const lib = (name) => require(path.join(root, `dist/libs/${name}/src/index.js`));
const { BindPool, shortMessage, encodeText } = lib('smpp');
const { LinkPool } = lib('smsc');
const { UcpSession, submitFields } = lib('ucp');
const { CimdSession, submitParams } = lib('cimd2');

const ROUNDS = Number(process.env.BENCH_SMSC_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SMSC_SECONDS ?? 3);
const TEXT = 'Benchmark message of a typical length, in GSM 03.38.';
const KANNEL_MESSAGES = Number(process.env.BENCH_SMSC_KANNEL_MESSAGES ?? 3_000);
const testing = (file) => require(path.join(root, 'dist/libs/testing/src', file));

/** Kannel's smsc group for a protocol, to a simulator on `port` (window as large as Kannel allows). */
const KANNEL_GROUP = {
  smpp: null, // bench/kannel.mjs's own SMPP transceiver
  ucp: (port) =>
    `group = smsc\nsmsc = emi\nsmsc-id = bench\nhost = "127.0.0.1"\nport = ${port}\nsmsc-username = "4711"\nsmsc-password = "bench"\nwindow = 100\nkeepalive = 55\nreconnect-delay = 1\n`,
  cimd2: (port) =>
    `group = smsc\nsmsc = cimd2\nsmsc-id = bench\nhost = "127.0.0.1"\nport = ${port}\nsmsc-username = "bench"\nsmsc-password = "bench"\nkeepalive = 55\nreconnect-delay = 1\n`,
};

/** A simulator in this process (its count read directly), for Kannel to send to. */
async function countingSimulator(protocol) {
  if (protocol === 'ucp')
    return new (testing('ucp-simulator.js').UcpSimulator)({
      address: '4711',
      password: 'bench',
      onSubmit: () => ({ notification: false }),
      keepHistory: false,
    }).start();
  if (protocol === 'cimd2')
    return new (testing('cimd2-simulator.js').Cimd2Simulator)({
      userId: 'bench',
      password: 'bench',
      onSubmit: () => ({ report: false }),
      keepHistory: false,
    }).start();
  return new (testing('smsc-simulator.js').SmscSimulator)({
    systemId: 'bench',
    password: 'bench',
    onSubmit: () => ({ receipt: false }),
    keepHistory: false,
  }).start();
}

/** Kannel over one connection of `protocol`: messages/s until the simulator has every one. */
async function kannelRate(protocol) {
  const smsc = await countingSimulator(protocol);
  const group = KANNEL_GROUP[protocol];
  const kannel = await startKannel({
    smscPort: smsc.port,
    systemId: 'bench',
    password: 'bench',
    window: 100,
    ...(group ? { smscGroup: group(smsc.port) } : {}),
  });
  if (!kannel) {
    await smsc.stop();
    return undefined;
  }
  const cpuBefore = cpuSeconds(kannel.pids);
  const started = performance.now();
  await runConcurrent(KANNEL_MESSAGES, 50, (i) =>
    kannel.request(i, `2547${String(10_000_000 + i).slice(-8)}`, TEXT, 'http://127.0.0.1:9/dlr'),
  );
  while (smsc.received < KANNEL_MESSAGES && performance.now() - started < 300_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1_000;
  const cpuMicros = ((cpuSeconds(kannel.pids) - cpuBefore) * 1e6) / smsc.received;
  const rate = smsc.received / seconds;
  await kannel.stop();
  await smsc.stop();
  return { rate, cpuMicros, complete: smsc.received >= KANNEL_MESSAGES };
}

async function simulator(protocol, env = {}) {
  const child = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs'), protocol], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`${protocol} simulator exited with ${code}`)));
  });
  return { child, port };
}

const pool = (open, window) =>
  new LinkPool({
    slots: [{ id: 'bench', mode: 'transceiver', transmits: true }],
    window,
    reconnectInitialMs: 100,
    reconnectMaxMs: 1_000,
    open,
  });

const PROTOCOLS = {
  smpp: {
    windows: [1, 50, 100],
    request: shortMessage('submit_sm', {
      source: { ton: 5, npi: 0, addr: 'SMSGATE' },
      destination: { ton: 1, npi: 1, addr: '254712345678' },
      shortMessage: encodeText(TEXT, 'gsm7'),
    }),
    pool: (port, window) =>
      new BindPool({
        session: {
          host: '127.0.0.1',
          port,
          systemId: 'bench',
          password: 'bench',
          window,
          responseTimeoutMs: 10_000,
          enquireLinkMs: 30_000,
        },
        mode: 'transceiver',
        binds: 1,
        reconnectInitialMs: 100,
        reconnectMaxMs: 1_000,
        onInbound: async () => ({ status: 0 }),
      }),
  },
  ucp: {
    windows: [1, 50, 100],
    request: submitFields({ adc: '00254712345678', oadc: 'SMSGATE', text: TEXT }),
    pool: (port, window) =>
      pool(
        () =>
          UcpSession.open({
            host: '127.0.0.1',
            port,
            address: '4711',
            password: 'bench',
            window,
            responseTimeoutMs: 10_000,
            keepAliveMs: 0,
          }),
        window,
      ),
  },
  cimd2: {
    windows: [1, 50, 128],
    request: submitParams({ destination: '+254712345678', originator: 'SMSGATE', text: TEXT }),
    pool: (port, window) =>
      pool(
        () =>
          CimdSession.open({
            host: '127.0.0.1',
            port,
            userId: 'bench',
            password: 'bench',
            window,
            responseTimeoutMs: 10_000,
            aliveMs: 0,
          }),
        window,
      ),
  },
};

async function run(protocol, port, window) {
  const { request } = PROTOCOLS[protocol];
  const links = PROTOCOLS[protocol].pool(port, window);
  links.start();
  while (links.state !== 'bound') await new Promise((resolve) => setTimeout(resolve, 10));
  let answered = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + SECONDS * 1_000;
  // Twice the window of submitters keeps the window full.
  await Promise.all(
    Array.from({ length: window * 2 }, async () => {
      while (performance.now() < until) {
        const result = await links.submit(request);
        if (result.kind !== 'accepted') throw new Error(`${protocol} submit refused: ${result.statusName}`);
        answered++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  await links.stop();
  return { rate: answered / seconds, cpuMicros: (cpu.user + cpu.system) / answered };
}

console.log('\nSMSC protocols: submits/s over one connection, each against its simulator (median of runs)');
const results = {};
for (const protocol of Object.keys(PROTOCOLS)) {
  const { child, port } = await simulator(protocol);
  results[protocol] = {};
  for (const window of PROTOCOLS[protocol].windows) {
    await run(protocol, port, window); // warm-up
    const runs = [];
    const simulatorCpu = cpuSeconds([child.pid]);
    let submits = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const result = await run(protocol, port, window);
      runs.push(result);
      submits += result.rate * SECONDS;
    }
    const simulatorMicros = ((cpuSeconds([child.pid]) - simulatorCpu) * 1e6) / submits;
    const rate = median(runs.map((result) => result.rate));
    results[protocol][window] = rate;
    const cpu = median(runs.map((result) => result.cpuMicros));
    const ratio = protocol === 'smpp' ? '' : ratioTo(rate, results.smpp, window);
    console.log(
      `  ${protocol.padEnd(5)} window ${String(window).padStart(3)}: ${Math.round(rate).toLocaleString('en')} submits/s ` +
        `(runs: ${runs.map((result) => Math.round(result.rate)).join(', ')}); CPU per submit: client ${Math.round(cpu)} µs, ` +
        `simulator ${Math.round(simulatorMicros)} µs${ratio}`,
    );
  }
  child.kill('SIGTERM');
  const kannel = await kannelRate(protocol);
  if (kannel) {
    const ours = results[protocol][50];
    console.log(
      `  ${protocol.padEnd(5)} Kannel, sendsms → one connection, ${KANNEL_MESSAGES} messages, 50 at a time: ` +
        `${Math.round(kannel.rate).toLocaleString('en')} messages/s${kannel.complete ? '' : ' (INCOMPLETE)'}; ` +
        `Kannel CPU per message ${Math.round(kannel.cpuMicros)} µs; smsgate's connection at window 50 is ` +
        `${(ours / kannel.rate).toFixed(1)}× that (connection alone against Kannel end to end)`,
    );
  }
}

function ratioTo(rate, smpp, window) {
  const base = smpp[window] ?? smpp[100];
  return base ? `; ${(rate / base).toFixed(2)} of SMPP's` : '';
}

const E2E_MESSAGES = Number(process.env.BENCH_SMSC_E2E_MESSAGES ?? 3_000);
const numberOf = (i) => `+2547${String(10_000_000 + i).slice(-8)}`;

/** smsgate end to end over one connection of `protocol`: messages/s until dlr-tracker stores every delivered. */
async function smsgateEndToEnd(protocol) {
  const { child, port } = await simulator(protocol, { SMSC_RECEIPTS: '1' });
  const gate = await startSmsgate({
    smscPort: port,
    simulatorPid: child.pid,
    window: PROTOCOLS[protocol].windows.at(-1),
    channelType: protocol,
  });
  const { ingress, 'dlr-tracker': tracker } = gate.services;
  const headers = { authorization: `Bearer ${gate.workspace.apiKey}`, 'content-type': 'application/json' };
  const since = new Date(Date.now() - 60_000).toISOString();
  const delivered = async () =>
    (
      await (
        await fetch(`${tracker.url}/v1/stats?since=${encodeURIComponent(since)}`, {
          headers: { authorization: `Bearer ${gate.workspace.apiKey}` },
        })
      ).json()
    ).byStatus?.delivered ?? 0;
  const started = performance.now();
  const result = await measured(gate.processes, E2E_MESSAGES, async () => {
    await runConcurrent(E2E_MESSAGES, 50, (i) => ({
      url: `${ingress.url}/v1/messages`,
      headers,
      body: JSON.stringify({ to: numberOf(i), text: TEXT, channel: gate.channel.uuid }),
    }));
    let count = 0;
    while (count < E2E_MESSAGES && performance.now() - started < 600_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      count = await delivered();
    }
    return { count, seconds: (performance.now() - started) / 1_000 };
  });
  await gate.stop();
  child.kill('SIGTERM');
  return { rate: result.count / result.seconds, complete: result.count >= E2E_MESSAGES, cpu: result.cpu };
}

/** Kannel end to end over one connection of `protocol`, dlr-mask 1: messages/s until every report is back. */
async function kannelEndToEnd(protocol) {
  const { child, port } = await simulator(protocol, { SMSC_RECEIPTS: '1' });
  const kannel = await startKannel({
    smscPort: port,
    systemId: 'bench',
    password: 'bench',
    window: 100,
    smscGroup: KANNEL_GROUP[protocol](port),
  });
  if (!kannel) {
    child.kill('SIGTERM');
    return undefined;
  }
  const receiver = await startReceiver(() => true);
  const started = performance.now();
  await runConcurrent(E2E_MESSAGES, 50, (i) =>
    kannel.request(i, numberOf(i).slice(1), TEXT, `${receiver.url}/dlr`),
  );
  await receiver.until(E2E_MESSAGES, 600_000);
  const rate = receiver.count / ((performance.now() - started) / 1_000);
  await receiver.close();
  await kannel.stop();
  child.kill('SIGTERM');
  return { rate, complete: receiver.count >= E2E_MESSAGES };
}

if (process.env.BENCH_SMSC_E2E !== '0') {
  benchInfra();
  console.log(
    `\nUCP and CIMD2 end to end, ${E2E_MESSAGES} messages, one destination per request, 50 at a time, until each is delivered:`,
  );
  for (const protocol of ['ucp', 'cimd2']) {
    const ours = await smsgateEndToEnd(protocol);
    const kannel = await kannelEndToEnd(protocol);
    console.log(
      `  ${protocol.padEnd(5)} smsgate ${Math.round(ours.rate).toLocaleString('en')} messages/s${ours.complete ? '' : ' (INCOMPLETE)'}` +
        (kannel
          ? `; Kannel ${Math.round(kannel.rate).toLocaleString('en')} messages/s${kannel.complete ? '' : ' (INCOMPLETE)'}; ratio ${(ours.rate / kannel.rate).toFixed(2)}`
          : ''),
    );
    console.log(`        smsgate CPU per message, µs: ${cpuLine(ours.cpu)}`);
  }
}
