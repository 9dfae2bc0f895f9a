// Shared by the benchmarks: an infrastructure instance of their own, free ports, service processes.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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
  const node = [...profile, '--max-semi-space-size=64'];
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
