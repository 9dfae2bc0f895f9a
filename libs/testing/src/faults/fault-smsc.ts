import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../infra';
import { readSmscLog, type SmscSubmit } from './smsc-log';

const MAIN = path.join(repoRoot, 'dist', 'libs', 'testing', 'src', 'faults', 'fault-smsc.main.js');

/** The fault SMSC process (fault-smsc.main.ts): started, killed, restarted on its port; its log read. */
export class FaultSmsc {
  port = 0;
  private child?: ChildProcess;

  constructor(
    readonly logFile: string,
    readonly systemId = 'faults',
    readonly password = 'faults',
  ) {}

  /** Starts the process (again on its port after a kill; the port may take a moment to be free). */
  async start(): Promise<void> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawn();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private async spawn(): Promise<void> {
    const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
      env: {
        ...process.env,
        FAULT_SMSC_LOG: this.logFile,
        FAULT_SMSC_PORT: String(this.port),
        FAULT_SMSC_SYSTEM_ID: this.systemId,
        FAULT_SMSC_PASSWORD: this.password,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    process.once('exit', () => child.kill('SIGKILL'));
    this.port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the fault SMSC exited with ${code} before listening`)));
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    });
  }

  /** SIGKILL: connections drop, answers and receipts in flight are lost (the log keeps what arrived). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL'));
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
  }

  /** Resolves true as soon as a submit_sm arrives (its log line), false after `timeoutMs`. */
  async nextSubmit(timeoutMs: number): Promise<boolean> {
    const file = await open(this.logFile, 'r');
    try {
      let offset = (await file.stat()).size;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { bytesRead, buffer } = await file.read({ buffer: Buffer.alloc(1 << 16), position: offset });
        offset += bytesRead;
        if (buffer.subarray(0, bytesRead).includes('"e":"submit"')) return true;
        if (bytesRead === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return false;
    } finally {
      await file.close();
    }
  }

  /** Every submit_sm the SMSC got, in order, over all its runs. */
  submits(): SmscSubmit[] {
    return readSmscLog(this.logFile).filter((line): line is SmscSubmit => line.e === 'submit');
  }
}
