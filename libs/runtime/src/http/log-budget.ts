/**
 * At most `lines` log lines per `intervalMs`: whoever sends bad requests cannot flood the logs. The
 * first line written after some were dropped says how many.
 */
export class LogBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private dropped = 0;

  constructor(
    private readonly lines: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined: drop this line; else the number of lines dropped since the last one written. */
  take(): number | undefined {
    const now = this.now();
    if (now - this.windowStart >= this.intervalMs) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.lines) {
      this.dropped++;
      return undefined;
    }
    this.written++;
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
