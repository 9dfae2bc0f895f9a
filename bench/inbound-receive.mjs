// Inbound receive benchmark: one ingress instance on the local Kafka and PostgreSQL; autocannon posts
// distinct RapidPro External API messages. Prints accepted posts/s and p50/p99 latency per round and
// their medians. Target (issue 2): >= 3,000 accepted posts/s with p99 < 50 ms on a 2-core machine.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

const infraEnv = {
  ...process.env,
  SMSGATE_INFRA_DIR: path.join(root, '.local', 'bench-infra'),
  SMSGATE_INFRA_PORTS: 'free',
};
execFileSync('bash', [path.join(root, 'scripts/infra.sh'), 'up'], {
  env: infraEnv,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const infra = Object.fromEntries(
  execFileSync('bash', [path.join(root, 'scripts/infra.sh'), 'env'], { env: infraEnv, encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
execFileSync(process.execPath, [path.join(root, 'dist/libs/db/src/migrate.js')], {
  env: { ...process.env, ...infra },
  stdio: 'ignore',
});

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const adminToken = randomBytes(18).toString('base64url');
// BENCH_PROFILE=1 writes a V8 CPU profile of ingress to .local/profiles (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.local', 'profiles')}`]
  : [];
const ingress = spawn(process.execPath, [...profile, path.join(root, 'dist/apps/ingress/src/main.js')], {
  env: {
    ...process.env,
    ...infra,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: adminToken,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATABASE_POOL_SIZE: '20',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  const ok = await fetch(`${base}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  if (i > 300) throw new Error('ingress did not become ready');
  await new Promise((r) => setTimeout(r, 200));
}

const post = async (url, body, token) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
};
const workspace = await post(`${base}/v1/workspaces`, { name: 'bench' }, adminToken);
const channel = await post(
  `${base}/v1/channels`,
  { type: 'ex', name: 'bench', country: 'KE' },
  workspace.apiKey,
);
const receivePath = `/c/ex/${channel.uuid}/receive`;

let counter = 0;
const run = (seconds) =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: receivePath,
            setupRequest: (request) => ({
              ...request,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: `from=%2B2547${String(10_000_000 + (counter % 9_000_000)).slice(-8)}&text=bench+${counter++}`,
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
await run(3); // warm-up: JIT, connection pools, producer batching
const rounds = [];
for (let i = 0; i < ROUNDS; i++) {
  const result = await run(SECONDS);
  const ok = result['2xx'];
  const round = {
    acceptedPerSecond: ok / SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  rounds.push(round);
  console.log(
    `round ${i + 1}: ${round.acceptedPerSecond.toFixed(0)} accepted/s, p50 ${round.p50} ms, p99 ${round.p99} ms, non-2xx ${round.non2xx}, errors ${round.errors}`,
  );
}
const rssMiB =
  Number(execFileSync('ps', ['-o', 'rss=', '-p', String(ingress.pid)], { encoding: 'utf8' }).trim()) / 1024;
console.log(
  `inbound receive (1 ingress, ${CONNECTIONS} connections, ${ROUNDS}x${SECONDS}s): median ${median(rounds.map((r) => r.acceptedPerSecond)).toFixed(0)} accepted/s, ` +
    `p50 ${median(rounds.map((r) => r.p50))} ms, p99 ${median(rounds.map((r) => r.p99))} ms, ingress RSS ${rssMiB.toFixed(0)} MiB ` +
    `(target >= 3000/s, p99 < 50 ms)`,
);
ingress.kill('SIGTERM');
