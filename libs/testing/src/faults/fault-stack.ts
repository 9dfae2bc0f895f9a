import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { startGroupsAtEnd } from '../consumer-groups';
import { ADMIN_TOKEN, createChannel, createWorkspace, SECRETS_KEY, type TestWorkspace } from '../factories';
import { ensureInfra, infraCommand, kafkaPidOf, type TestInfra } from '../infra';
import { ServiceProcess } from '../service-process';
import { waitFor } from '../wait-for';
import { CallbackSink } from './callback-sink';
import { FaultAggregator } from './fault-aggregator';
import { FaultSmsc } from './fault-smsc';

export const FAULT_SERVICES = ['ingress', 'dispatcher', 'smpp-binds', 'dlr-tracker'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export interface FaultStackOptions {
  /** The infrastructure instance's folder (its own Kafka and PostgreSQL on free ports). */
  infraDir: string;
  /** Logs of the run: services, SMSC, aggregator, evidence. */
  logDir: string;
  /** Extra environment per service, over DEFAULT_FAULT_ENV. */
  env?: Partial<Record<FaultService, NodeJS.ProcessEnv>>;
}

/**
 * Sends the aggregator refused come back sooner than the default 2, 10, 60 s, which keeps the suite
 * short; 30 s of 500s are still outlasted (the retries span 104 s).
 */
export const DEFAULT_FAULT_ENV: Partial<Record<FaultService, NodeJS.ProcessEnv>> = {
  dispatcher: { RETRY_DELAYS_MS: '1000,3000,10000,30000,60000' },
};

/**
 * The whole SMPP and HTTP send path on real infrastructure, with everything the fault suite breaks
 * within reach: the four services as processes (SIGKILL, restart), the broker's JVM (SIGKILL, start),
 * PostgreSQL (stop, start), the logging SMSC (SIGKILL, restart on its port), the aggregator (500s). One
 * workspace with an SMPP channel to the SMSC and a RapidPro External API channel to the aggregator.
 */
export class FaultStack {
  services!: Record<FaultService, ServiceProcess>;
  workspace!: TestWorkspace;
  channels!: { smpp: string; ex: string };
  infra!: TestInfra;
  smsc!: FaultSmsc;
  aggregator!: FaultAggregator;
  sink!: CallbackSink;

  private constructor(readonly options: FaultStackOptions) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const stack = new FaultStack(options);
    await stack.boot();
    return stack;
  }

  private async boot(): Promise<void> {
    const { infraDir, logDir } = this.options;
    mkdirSync(logDir, { recursive: true });
    // The SMSC's log is this run's record of submits (destinations repeat from run to run).
    for (const log of ['smsc.jsonl', 'aggregator.jsonl']) rmSync(path.join(logDir, log), { force: true });
    this.infra = ensureInfra(infraDir);
    await freshDatabase(this.infra.databaseUrl);
    // Loaded here: everything importing @smsgate/testing (unit specs too) need not load TypeORM.
    const { runMigrations } = await import('@smsgate/db');
    await runMigrations(this.infra.databaseUrl);
    const run = Date.now().toString(36);
    const groups = {
      dispatcher: `dispatcher-faults-${run}`,
      'smpp-binds': `smpp-binds-faults-${run}`,
      'dlr-tracker': `dlr-tracker-faults-${run}`,
    };
    await startGroupsAtEnd(this.infra.kafkaBrokers, Object.values(groups));
    [this.smsc, this.aggregator, this.sink] = await Promise.all([
      (async () => {
        const smsc = new FaultSmsc(path.join(logDir, 'smsc.jsonl'));
        await smsc.start();
        return smsc;
      })(),
      FaultAggregator.start(path.join(logDir, 'aggregator.jsonl')),
      CallbackSink.start(),
    ]);
    const common = {
      KAFKA_BROKERS: this.infra.kafkaBrokers,
      DATABASE_URL: this.infra.databaseUrl,
      ADMIN_TOKEN,
      SECRETS_KEY,
      DATABASE_POOL_SIZE: '20',
      EGRESS_ALLOW: '127.0.0.1',
    };
    const env = this.options.env ?? {};
    const start = (name: FaultService, own: NodeJS.ProcessEnv) =>
      ServiceProcess.start(
        name,
        { ...common, ...own, ...DEFAULT_FAULT_ENV[name], ...env[name] },
        { logFile: path.join(logDir, `${name}.log`) },
      );
    const [ingress, dispatcher, smppBinds, tracker] = await Promise.all([
      start('ingress', {}),
      start('dispatcher', { KAFKA_GROUP_ID: groups.dispatcher }),
      start('smpp-binds', { KAFKA_GROUP_ID: groups['smpp-binds'], RECONCILE_INTERVAL_MS: '500' }),
      start('dlr-tracker', { KAFKA_GROUP_ID: groups['dlr-tracker'] }),
    ]);
    this.services = { ingress, dispatcher, 'smpp-binds': smppBinds, 'dlr-tracker': tracker };
    this.workspace = await createWorkspace(ingress.url, 'faults');
    const smpp = await createChannel(ingress.url, this.workspace.apiKey, {
      type: 'smpp',
      name: 'faults smsc',
      address: 'SMSGATE',
      config: {
        host: '127.0.0.1',
        port: this.smsc.port,
        system_id: this.smsc.systemId,
        binds: 1,
        window: 100,
      },
      secrets: { password: this.smsc.password },
    });
    const ex = await createChannel(ingress.url, this.workspace.apiKey, {
      type: 'ex',
      name: 'faults aggregator',
      config: { send_url: this.aggregator.url },
    });
    this.channels = { smpp: smpp.uuid, ex: ex.uuid };
    this.aggregator.reportTo(ingress.url, ex.uuid);
    await this.bound();
  }

  /** Waits until smpp-binds holds a bound bind of the SMPP channel. */
  async bound(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        const response = await fetch(`${this.services['smpp-binds'].url}/v1/binds`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await response.json()) as { channels?: { channel: string; state: string }[] };
        return body.channels?.some((c) => c.channel === this.channels.smpp && c.state === 'bound');
      },
      { timeoutMs, intervalMs: 200, message: 'the SMPP channel bound' },
    );
  }

  /** SIGKILL, then a restart at once on the same port (a supervisor's restart). */
  async killService(name: FaultService): Promise<{ killedAt: number; spawnedAt: number; readyAt: number }> {
    const service = this.services[name];
    const killedAt = Date.now();
    await service.stop('SIGKILL');
    await service.restart();
    return { killedAt, spawnedAt: service.spawnedAt, readyAt: service.readyAt };
  }

  /** SIGKILL of the broker's JVM; started again (same ports, same data) after `downMs`. */
  async killKafka(downMs: number): Promise<{ killedAt: number; readyAt: number }> {
    const pid = kafkaPidOf(this.options.infraDir);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), { timeoutMs: 10_000, message: 'the broker to exit' });
    await sleep(Math.max(0, downMs - (Date.now() - killedAt)));
    await infraCommand(this.options.infraDir, 'up', 'kafka');
    return { killedAt, readyAt: Date.now() };
  }

  /** pg_ctl stop -m fast (every connection dropped), started again after `downMs`. */
  async stopPostgres(downMs: number): Promise<{ stoppedAt: number; readyAt: number }> {
    const stoppedAt = Date.now();
    await infraCommand(this.options.infraDir, 'down', 'postgres');
    await sleep(Math.max(0, downMs - (Date.now() - stoppedAt)));
    await infraCommand(this.options.infraDir, 'up', 'postgres');
    return { stoppedAt, readyAt: Date.now() };
  }

  /**
   * SIGKILL of the SMSC right after a submit_sm arrived (it answers after 100 ms, so that one and any
   * behind it are in the window, received and unanswered), restarted on its port after `downMs`.
   */
  async killSmsc(downMs: number): Promise<{ killedAt: number; restartedAt: number; inFlight: boolean }> {
    const inFlight = await this.smsc.nextSubmit(10_000);
    const killedAt = Date.now();
    await this.smsc.kill();
    await sleep(downMs);
    await this.smsc.start();
    return { killedAt, restartedAt: Date.now(), inFlight };
  }

  /** The aggregator answers 500 to every send for `ms`. */
  async failAggregator(ms: number): Promise<{ from: number; until: number }> {
    const from = Date.now();
    this.aggregator.failing = true;
    await sleep(ms);
    this.aggregator.failing = false;
    return { from, until: Date.now() };
  }

  /** Status of each of these messages in the ledger (absent: unknown to dlr-tracker). */
  async statuses(ids: string[]): Promise<Map<string, string>> {
    const client = new Client({ connectionString: this.infra.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; status: string }>(
        'SELECT id, status FROM messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return new Map(rows.map((row) => [row.id, row.status]));
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services ?? {}).map((service) => service.stop()));
    await Promise.all([this.smsc?.stop(), this.aggregator?.stop(), this.sink?.stop()]);
  }
}

/** An empty database for the run: figures of one run are not mixed with another's rows. */
async function freshDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/** Whether `pid` still runs (a zombie nobody reaped yet does not: the broker was reparented). */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
