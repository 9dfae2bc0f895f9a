import { Logger } from '@nestjs/common';

/**
 * Runs `round` every `intervalMs` (and again at once while it reports more work), never two at a
 * time; stop() waits for the round in hand.
 */
export class IntervalTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

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

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((error: unknown) => {
          this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        })
        .then((more) => this.schedule(more ? 0 : this.intervalMs));
    }, delay);
  }
}
