// Submits per second over one connection of each SMSC protocol smsgate speaks (issue 20): SMPP (one
// transceiver bind), UCP/EMI and CIMD2, each against its simulator from libs/testing running in its own
// process, through the same pool smpp-binds uses (libs/smsc's LinkPool). Windows: 1 (stop-and-wait),
// 50 (the single-message shape's concurrency) and each protocol's largest (SMPP and UCP 100, CIMD2
// 128). One message per submit, GSM text of a typical length. Median of BENCH_SMSC_ROUNDS (3) runs of
// BENCH_SMSC_SECONDS (3) after a warm-up, the client's CPU per submit, and each rate's ratio to SMPP's.
// Printed, never asserted.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cpuSeconds, median, root } from './lib.mjs';

const require = createRequire(import.meta.url);
const lib = (name) => require(path.join(root, `dist/libs/${name}/src/index.js`));
const { BindPool, shortMessage, encodeText } = lib('smpp');
const { LinkPool } = lib('smsc');
const { UcpSession, submitFields } = lib('ucp');
const { CimdSession, submitParams } = lib('cimd2');

const ROUNDS = Number(process.env.BENCH_SMSC_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SMSC_SECONDS ?? 3);
const TEXT = 'Benchmark message of a typical length, in GSM 03.38.';

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
}

function ratioTo(rate, smpp, window) {
  const base = smpp[window] ?? smpp[100];
  return base ? `; ${(rate / base).toFixed(2)} of SMPP's` : '';
}
