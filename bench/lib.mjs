// Shared by the benchmarks: an infrastructure instance of their own, free ports, service processes.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function benchInfra() {
  const env = {
    ...process.env,
    SMSGATE_INFRA_DIR: path.join(root, '.local', 'bench-infra'),
    SMSGATE_INFRA_PORTS: 'free',
  };
  execFileSync('bash', [path.join(root, 'scripts/infra.sh'), 'up'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const infra = Object.fromEntries(
    execFileSync('bash', [path.join(root, 'scripts/infra.sh'), 'env'], { env, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  // Every bench starts from an empty database: figures of one run compare with those of another
  // (PostgreSQL's cost per row grows as the tables outgrow its buffers).
  execFileSync(
    process.execPath,
    [
      '-e',
      `const pg = require('pg');
       const url = new URL(process.env.DATABASE_URL);
       const database = url.pathname.slice(1);
       url.pathname = '/postgres';
       const client = new pg.Client({ connectionString: url.toString() });
       client.connect()
         .then(() => client.query('DROP DATABASE IF EXISTS "' + database + '" WITH (FORCE)'))
         .then(() => client.query('CREATE DATABASE "' + database + '"'))
         .then(() => client.end());`,
    ],
    { env: { ...process.env, DATABASE_URL: infra.DATABASE_URL }, cwd: root, stdio: 'inherit' },
  );
  execFileSync(process.execPath, [path.join(root, 'dist/libs/db/src/migrate.js')], {
    env: { ...process.env, ...infra },
    stdio: 'ignore',
  });
  return infra;
}

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export const secrets = {
  ADMIN_TOKEN: randomBytes(18).toString('base64url'),
  SECRETS_KEY: randomBytes(32).toString('base64'),
};

/** Starts dist/apps/<name> on a free port and waits until it is ready. */
export async function startService(name, env) {
  const port = await freePort();
  // BENCH_PROFILE=1 writes V8 CPU profiles to .local/profiles (open them in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${path.join(root, '.local', 'profiles')}`]
    : [];
  // The young generation the image gives the services (Dockerfile).
  const node = [...profile, `--max-semi-space-size=${process.env.BENCH_SEMI_SPACE ?? 32}`];
  const child = spawn(process.execPath, [...node, path.join(root, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...secrets, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error(`${name} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    rssMiB: () =>
      Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()) / 1024,
  };
}

export async function postJson(url, body, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** CPU seconds (user + system) used so far by these processes; those that ended count as 0. */
export const cpuSeconds = (pids) => {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks / 100;
};
export const postgresPids = () =>
  readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });

/**
 * The single-message shape: `total` requests, `concurrency` at a time over kept-alive connections,
 * each built by `request(i)` as `{ url, method?, headers?, body? }`. Resolves with the latencies (ms)
 * and the status counts; a status outside `expect` is counted, never thrown, so one run shows all.
 */
export async function runConcurrent(total, concurrency, request, expect = [200, 201, 202]) {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Float64Array(total);
  const statuses = {};
  let next = 0;
  const one = (i) =>
    new Promise((resolve) => {
      const { url, method = 'POST', headers = {}, body } = request(i);
      const started = performance.now();
      const req = http.request(url, { method, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies[i] = performance.now() - started;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', (error) => {
        latencies[i] = performance.now() - started;
        statuses[error.code ?? 'error'] = (statuses[error.code ?? 'error'] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = Object.entries(statuses)
    .filter(([code]) => expect.includes(Number(code)))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    seconds,
    rate: total / seconds,
    ok,
    statuses,
    p50: sorted[Math.floor(total * 0.5)],
    p99: sorted[Math.min(total - 1, Math.floor(total * 0.99))],
  };
}

/**
 * A local HTTP endpoint that answers every request at once with `answer` and counts them: `count`,
 * and `firstAt`/`lastAt` (performance.now() of the first and the last), which a round may reset.
 */
export async function startCountingServer(answer) {
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      counter.count++;
      counter.lastAt = performance.now();
      if (!counter.firstAt) counter.firstAt = counter.lastAt;
      response.end(answer);
    });
  });
  const counter = { count: 0, firstAt: 0, lastAt: 0, url: '', close: () => server.close() };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  counter.url = `http://127.0.0.1:${server.address().port}`;
  return counter;
}

/**
 * A local HTTP receiver for status callbacks (smsgate's JSON POSTs, Kannel's dlr-url GETs): `count(fn)`
 * tells how many requests `fn(url, body)` accepted; `until(n, timeoutMs)` waits for that many.
 */
export async function startReceiver(accept) {
  const http = await import('node:http');
  let counted = 0;
  let waiter;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (accept(req.url, Buffer.concat(chunks).toString('utf8'))) counted++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (waiter && counted >= waiter.n) waiter.resolve();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get count() {
      return counted;
    },
    reset() {
      counted = 0;
    },
    until(n, timeoutMs) {
      if (counted >= n) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
