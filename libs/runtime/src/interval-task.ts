import { Logger } from '@nestjs/common';

/**
 * Runs `round` every `intervalMs` (and again at once while it reports more work), never two at a
 * time; stop() waits for the round in hand.
 */
export class IntervalTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private busy = false;
  private woken = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly round: () => Promise<boolean>,
    private readonly logger = new Logger(name),
  ) {}

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

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = true;
      this.woken = false;
      this.running = this.round()
        .catch((error: unknown) => {
          this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        })
        .then((more) => {
          this.busy = false;
          this.schedule(more || this.woken ? 0 : this.intervalMs);
        });
    }, delay);
  }
}
