import { freePort, repoRoot, startGroupsAtEnd, type TestInfra } from '@smsgate/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { Client } from 'pg';
import {
  reached,
  SERVICE_URLS,
  type Addresses,
  type BootPlan,
  type ProcessPlan,
  type ServicePlan,
} from '../../deploy/test/boot-plan';
import type { HostMap } from '../../deploy/test/deployment-forms';
import { consumerGroupOf } from '../../deploy/test/env-check';

/**
 * The environment with only the addresses of Kafka and PostgreSQL rewritten: KAFKA_BROKERS' `hosts.kafka`
 * to the test broker, DATABASE_URL's `hosts.postgres` (and its credentials and database) to the test
 * PostgreSQL's `database`, keeping its query; PORT to `port` when given, and the other ports a service
 * listens on (smpp-server's SMPP_PORT, SMPP_TLS_PORT) to `otherPorts`, so a test never takes a port a
 * running gateway holds; and a URL that reaches another service in the form's network (`links.addresses`:
 * a Service's or a compose service's name) to where that service runs here (`links.ports`, by app). An
 * address outside the map fails, and so does a variable of SERVICE_URLS that reaches no service.
 */
export function pointAtTestInfra(
  run: ProcessPlan,
  hosts: HostMap,
  infra: TestInfra,
  database: string,
  port?: number,
  otherPorts: number[] = [],
  links?: { addresses: Addresses; ports: Record<string, number> },
): Record<string, string> {
  const env = { ...run.env };
  if (links)
    for (const [name, value] of Object.entries(env)) {
      const target = reached(links.addresses, value);
      const local = target && links.ports[target.app];
      if (local !== undefined) {
        const { pathname, search } = new URL(value);
        env[name] = `http://127.0.0.1:${local}${pathname === '/' ? '' : pathname}${search}`;
      } else if (SERVICE_URLS[run.app]?.[name])
        throw new Error(`${run.source}: ${name} ${value} reaches no service this form runs`);
    }
  if (env.KAFKA_BROKERS !== undefined)
    env.KAFKA_BROKERS = env.KAFKA_BROKERS.split(',')
      .map((broker) => {
        if (broker !== hosts.kafka)
          throw new Error(`${run.source}: KAFKA_BROKERS has ${broker}, not ${hosts.kafka}`);
        return infra.kafkaBrokers;
      })
      .join(',');
  if (env.DATABASE_URL !== undefined) {
    const given = new URL(env.DATABASE_URL);
    if (`${given.hostname}:${given.port || 5432}` !== hosts.postgres)
      throw new Error(`${run.source}: DATABASE_URL is on ${given.host}, not ${hosts.postgres}`);
    const local = new URL(infra.databaseUrl);
    local.pathname = `/${database}`;
    local.search = given.search;
    env.DATABASE_URL = local.toString();
  }
  if (port !== undefined) env.PORT = String(port);
  const spare = [...otherPorts];
  for (const name of LISTEN_PORTS)
    if (env[name] !== undefined) {
      const free = spare.shift();
      if (free === undefined) throw new Error(`${run.source}: no free port to give ${name}`);
      env[name] = String(free);
    }
  return env;
}

/** Ports a service listens on besides PORT. */
const LISTEN_PORTS = ['SMPP_PORT', 'SMPP_TLS_PORT'];

/** Every process started here and still running: killed if the test run ends first. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** A process of the form, run as its image would: `node` is this Node, the working directory the repository. */
function start(run: ProcessPlan, env: Record<string, string>): Started {
  const [program, ...args] = run.command;
  const child = spawn(program === 'node' ? process.execPath : program, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const kept = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const)
    child[stream]?.on(
      'data',
      (chunk: Buffer) => (kept[stream] = (kept[stream] + chunk.toString()).slice(-20_000)),
    );
  return { child, stdout: () => kept.stdout, stderr: () => kept.stderr };
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

const lastLines = (text: string, count = 15) => text.trimEnd().split('\n').slice(-count).join('\n');
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );

/** An empty database of its own for a form, so its migration job is shown to run from nothing. */
async function freshDatabase(infra: TestInfra, database: string, drop = false): Promise<void> {
  const admin = new Client({ connectionString: infra.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    if (!drop) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

/** A service of the form while it runs here: what it is, where it answers, the environment it was given. */
export interface RunningService {
  app: string;
  source: string;
  url: string;
  env: Record<string, string>;
}

export interface BootResult {
  /** What the migration job printed. */
  migrated: string;
  /** Per service, ms from spawn to its first 200 on the readiness path, and its exit code on SIGTERM. */
  services: { app: string; source: string; readyMs: number; exitCode: number | null }[];
}

/**
 * Boots a deployment form on the test Kafka and PostgreSQL: the migration job into an empty database,
 * then every service at once, each until its readiness probe answers 200; `whileReady` with them all
 * running; then SIGTERM to all. A process that fails is reported by the form's name, its source and the
 * last lines of its stderr.
 */
export async function bootForm(
  form: string,
  plan: BootPlan,
  hosts: HostMap,
  infra: TestInfra,
  whileReady: (services: RunningService[]) => Promise<void> = async () => {},
  readyTimeoutMs = 60_000,
): Promise<BootResult> {
  const database = `smsgate_boot_${form.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
  await freshDatabase(infra, database);
  try {
    const migration = start(plan.migrate, pointAtTestInfra(plan.migrate, hosts, infra, database));
    if ((await exited(migration.child)) !== 0)
      throw new Error(
        `${form}: ${plan.migrate.source} failed; its stderr ends:\n${lastLines(migration.stderr())}`,
      );
    // A fresh cluster's topics are empty: the form's consumer groups start at the shared topics' ends.
    const groups = plan.services.map(consumerGroupOf).filter((group) => group !== undefined);
    await startGroupsAtEnd(infra.kafkaBrokers, groups);
    const ports = await Promise.all(plan.services.map(() => freePort()));
    const others = await Promise.all(
      plan.services.map(() => Promise.all(LISTEN_PORTS.map(() => freePort()))),
    );
    // Services reach one another here where each one runs: the links the form gives are rewritten to these.
    const links = {
      addresses: plan.addresses,
      ports: Object.fromEntries(plan.services.map(({ app }, i) => [app, ports[i]])),
    };
    const running = plan.services.map((service, i) => {
      const env = pointAtTestInfra(service, hosts, infra, database, ports[i], others[i], links);
      return { service, port: ports[i], env, spawnedAt: Date.now(), ...start(service, env) };
    });
    try {
      const readyMs = await Promise.all(
        running.map((run) => waitReady(form, run.service, run.port, run, readyTimeoutMs)),
      );
      await whileReady(
        running.map(({ service, port, env }) => ({
          app: service.app,
          source: service.source,
          url: `http://127.0.0.1:${port}`,
          env,
        })),
      );
      const exitCodes = await Promise.all(running.map(({ child }) => stop(child)));
      return {
        migrated: migration.stdout().trim(),
        services: running.map(({ service }, i) => ({
          app: service.app,
          source: service.source,
          readyMs: readyMs[i] - running[i].spawnedAt,
          exitCode: exitCodes[i],
        })),
      };
    } finally {
      await Promise.all(running.map(({ child }) => stop(child)));
    }
  } finally {
    await freshDatabase(infra, database, true);
  }
}

async function waitReady(
  form: string,
  service: ServicePlan,
  port: number,
  { child, stderr }: Started,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `${form}: ${service.source} exited with ${child.exitCode} before it was ready; ` +
          `its stderr ends:\n${lastLines(stderr())}`,
      );
    const response = await fetch(`http://127.0.0.1:${port}${service.readyPath}`).catch(() => undefined);
    if (response?.status === 200) return Date.now();
    if (Date.now() > deadline)
      throw new Error(
        `${form}: ${service.source} did not answer 200 on ${service.readyPath} within ${timeoutMs} ms ` +
          `(last: ${response?.status ?? 'no answer'}); its stderr ends:\n${lastLines(stderr())}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM, then SIGKILL after 30 s (the manifests' drain bound); the exit code, null when killed. */
async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.kill('SIGTERM');
  const code = await exited(child);
  clearTimeout(kill);
  return code;
}
