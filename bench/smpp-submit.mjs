// SMPP submit rate (issue 4): one transceiver bind against the local SMSC simulator (run in its own
// process), window 1, 10 and 100; submit_sm answered per second, median of 3 runs each. Printed,
// never asserted. Target: >= 5,000 submit_sm/s at window 100 on this 2-core machine (Kannel's
// drive_smpp capped itself near 500 msg/s here).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { median, root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { BindPool, shortMessage, encodeText } = require(path.join(root, 'dist/libs/smpp/src/index.js'));

const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SMPP_SECONDS ?? 3);

const simulator = spawn(process.execPath, [path.join(root, 'bench/smsc-simulator.mjs')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((resolve, reject) => {
  simulator.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  simulator.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});

const pdu = shortMessage('submit_sm', {
  source: { ton: 5, npi: 0, addr: 'SMSGATE' },
  destination: { ton: 1, npi: 1, addr: '254712345678' },
  shortMessage: encodeText('Benchmark message of a typical length, in GSM 03.38.', 'gsm7'),
});

async function run(window) {
  const pool = new BindPool({
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
  });
  pool.start();
  while (pool.state !== 'bound') await new Promise((resolve) => setTimeout(resolve, 10));
  let answered = 0;
  const until = performance.now() + SECONDS * 1_000;
  const started = performance.now();
  // Twice the window of submitters keeps the window full.
  await Promise.all(
    Array.from({ length: window * 2 }, async () => {
      while (performance.now() < until) {
        const result = await pool.submit(pdu);
        if (result.kind !== 'accepted') throw new Error(`submit refused: ${result.statusName}`);
        answered++;
      }
    }),
  );
  const rate = answered / ((performance.now() - started) / 1_000);
  await pool.stop();
  return rate;
}

console.log('\nSMPP submit rate, one transceiver bind, local simulator (median of 3 runs)');
for (const window of [1, 10, 100]) {
  await run(window); // warm-up
  const rates = [];
  for (let i = 0; i < RUNS; i++) rates.push(await run(window));
  console.log(
    `  window ${String(window).padStart(3)}: ${Math.round(median(rates)).toLocaleString('en')} submit_sm/s ` +
      `(runs: ${rates.map((rate) => Math.round(rate)).join(', ')})`,
  );
}
simulator.kill('SIGTERM');
