import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { registerService, unregisterService } from './api-contract';
import { freePort } from './free-port';
import { repoRoot } from './infra';
import { waitFor } from './wait-for';

export type ServiceName =
  | 'ingress'
  | 'dispatcher'
  | 'smpp-binds'
  | 'dlr-tracker'
  | 'cht-relay'
  | 'smpp-server'
  | 'console';

export interface ServiceOptions {
  /**
   * Appends the output (every run of the process, each headed by a line saying so) to this file, and
   * keeps only its last megabyte in `output`: a long run under load logs more than memory should hold.
   */
  logFile?: string;
}

const KEPT_OUTPUT = 1 << 20;

/** Every child still running: a test that failed before stopping its services must not leave them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Stops every service this test file started and did not stop (run after each e2e file): a suite whose
 * set-up failed half-way must not leave consumers behind to take the next suite's messages.
 */
export async function stopAllServices(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * One smsgate service started from the build (dist/) as a real process on a free port, the way
 * `npm start` runs it. Output is kept for assertions and for failure messages.
 */
export class ServiceProcess {
  output = '';
  /** When the current process was spawned and when it answered ready (Date.now()). */
  spawnedAt = 0;
  readyAt = 0;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private log?: WriteStream;

  private constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: ServiceOptions = {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Where smpp-server takes SMPP binds. */
  get smppPort(): number {
    return Number(this.env.SMPP_PORT);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(
    name: ServiceName,
    env: NodeJS.ProcessEnv = {},
    options: ServiceOptions = {},
  ): Promise<ServiceProcess> {
    // smpp-server listens for SMPP too: a free port of its own, kept across restarts.
    const smpp = name === 'smpp-server' && !env.SMPP_PORT ? { SMPP_PORT: String(await freePort()) } : {};
    const service = new ServiceProcess(name, await freePort(), { ...env, ...smpp }, options);
    await service.spawn();
    return service;
  }

  async spawn(): Promise<void> {
    const main = path.join(repoRoot, 'dist', 'apps', this.name, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      env: { ...process.env, LOG_LEVEL: 'info', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // Its answers are checked against its committed OpenAPI document (e2e-setup.ts).
    registerService(this.url, this.name);
    this.spawnedAt = Date.now();
    this.readyAt = 0;
    running.add(child);
    child.once('exit', () => running.delete(child));
    if (this.options.logFile && !this.log) this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    this.log?.write(
      `--- ${this.name} pid ${child.pid} spawned at ${new Date(this.spawnedAt).toISOString()}\n`,
    );
    const keep = (chunk: Buffer) => {
      this.log?.write(chunk);
      this.output += chunk.toString();
      if (this.log && this.output.length > 2 * KEPT_OUTPUT) this.output = this.output.slice(-KEPT_OUTPUT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.output.slice(-3_000)}`);
        const response = await fetch(`${this.url}/health/ready`).catch(() => undefined);
        if (response?.status !== 200) return false;
        this.readyAt = Date.now();
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 200, message: `${this.name} to become ready` },
    ).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n--- ${this.name} output ---\n${this.output.slice(-3_000)}`);
    });
  }

  /** Sends `signal` and waits for the process to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    unregisterService(this.url);
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited ?? null;
  }

  /** Restarts after a stop, on the same port. */
  async restart(): Promise<void> {
    this.output = '';
    await this.spawn();
  }
}
