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
// Printed, never asserted.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startKannel } from './kannel.mjs';
import { cpuSeconds, median, root, runConcurrent } from './lib.mjs';

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
    `group = smsc\nsmsc = emi\nsmsc-id = bench\nhost = "127.0.0.1"\nport = ${port}\nsmsc-username = "bench"\nsmsc-password = "bench"\nwindow = 100\nkeepalive = 55\nreconnect-delay = 1\n`,
  cimd2: (port) =>
    `group = smsc\nsmsc = cimd2\nsmsc-id = bench\nhost = "127.0.0.1"\nport = ${port}\nsmsc-username = "bench"\nsmsc-password = "bench"\nkeepalive = 55\nreconnect-delay = 1\n`,
};

/** A simulator in this process (its count read directly), for Kannel to send to. */
async function countingSimulator(protocol) {
  if (protocol === 'ucp')
    return new (testing('ucp-simulator.js').UcpSimulator)({
      address: 'bench',
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

async function simulator(protocol) {
  const child = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs'), protocol], {
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
            address: 'bench',
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
