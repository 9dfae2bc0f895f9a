import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * What a round reports: `true` more work is probably waiting (the next round runs at once), `false`
 * (or nothing) it did its work, `'idle'` it found nothing to do.
 */
export type RoundResult = boolean | 'idle';

export interface IntervalTaskOptions {
  /** Where a failed round is reported; a Logger named after the task unless given. */
  logger?: Pick<Logger, 'warn'>;
  /** The longest wait between rounds that find nothing (see IntervalTask); the interval unless given. */
  idleIntervalMs?: number;
}

/**
 * Runs `round` every `intervalMs` (and again at once while it reports more work), never two at a
 * time; stop() waits for the round in hand. With `idleIntervalMs`, rounds that find nothing space the
 * next one out (twice the wait each time, up to `idleIntervalMs`): a poll that is mostly idle costs
 * little, and the first round that finds work, or a wake, brings the interval back.
 */
export class IntervalTask {
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;
  /** Every wakeIn deadline not yet reached by a round's start: one per piece of work coming due. */
  private deadlines: number[] = [];
  private running?: Promise<void>;
  private stopped = false;
  private busy = false;
  private woken = false;
  private idleRounds = 0;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly idleIntervalMs: number;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly round: () => Promise<RoundResult | void>,
    options: IntervalTaskOptions = {},
  ) {
    this.logger = options.logger ?? new Logger(name);
    this.idleIntervalMs = options.idleIntervalMs ?? intervalMs;
  }

  /** The first round runs after `firstDelayMs` (one interval unless given). */
  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  /**
   * Runs a round now rather than at the next interval (work was just handed over); during a round,
   * runs another as soon as it ends.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.woken = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /**
   * Makes sure a round starts within `delayMs` (work comes due then, e.g. a retry), idle or not. The
   * deadline holds until a round starts at or after it: a round woken earlier, or one an earlier
   * deadline brought, does not cancel it.
   */
  wakeIn(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    this.deadlines.push(at);
    if (this.busy || this.dueAt <= at) return;
    clearTimeout(this.timer);
    this.schedule(delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.dueAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.busy = true;
      this.woken = false;
      this.dueAt = Infinity;
      const now = Date.now();
      this.deadlines = this.deadlines.filter((deadline) => deadline > now);
      this.running = this.round()
        .catch((error: unknown): RoundResult | void => {
          this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        })
        .then((result) => {
          this.busy = false;
          this.idleRounds = result === 'idle' ? this.idleRounds + 1 : 0;
          const wait =
            result === true || this.woken
              ? 0
              : Math.min(
                  this.intervalMs * 2 ** Math.max(this.idleRounds - 1, 0),
                  Math.max(this.idleIntervalMs, this.intervalMs),
                );
          this.schedule(Math.max(0, Math.min(wait, this.nextDeadline() - Date.now())));
        });
    }, delay);
  }

  private nextDeadline(): number {
    return this.deadlines.reduce((earliest, deadline) => Math.min(earliest, deadline), Infinity);
  }
}

/**
 * A provider that works in rounds on an IntervalTask: the first round one interval after the
 * application started, the round in hand awaited when it shuts down.
 */
export abstract class IntervalWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly task: IntervalTask;

  protected constructor(name: string, intervalMs: number, options?: IntervalTaskOptions) {
    this.task = new IntervalTask(name, intervalMs, () => this.round(), options);
  }

  /** One round (see RoundResult); the task runs them, and a caller may run one now. */
  abstract round(): Promise<RoundResult | void>;

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
