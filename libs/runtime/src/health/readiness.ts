import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean> | boolean;

/** The checks behind GET /health/ready; services register Kafka, PostgreSQL and consumer checks. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** From SIGTERM on the service reports not ready, so load balancers stop sending to it. */
  drain(): void {
    this.draining = true;
  }

  async evaluate(): Promise<{ ready: boolean; draining: boolean; checks: Record<string, boolean> }> {
    const entries = await Promise.all(
      [...this.checks].map(
        async ([name, check]) => [name, await withDeadline(check, CHECK_TIMEOUT_MS)] as const,
      ),
    );
    const ready = !this.draining && entries.every(([, ok]) => ok);
    return { ready, draining: this.draining, checks: Object.fromEntries(entries) };
  }
}

const CHECK_TIMEOUT_MS = 3_000;

/** A check that throws, or does not answer in time, counts as failed: a probe must never hang. */
async function withDeadline(check: ReadinessCheck, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
