/**
 * Message ids a sweeper published a status for, kept for a minute: the status waits in Kafka to be
 * applied meanwhile, so the next rounds leave those messages out instead of publishing them again.
 */
export class RecentlyPublished {
  private readonly at = new Map<string, number>();

  constructor(private readonly forMs = 60_000) {}

  /** The ids still held, after letting go of those older than `forMs`. */
  current(now = Date.now()): string[] {
    for (const [id, at] of this.at) if (now - at > this.forMs) this.at.delete(id);
    return [...this.at.keys()];
  }

  add(ids: string[], now = Date.now()): void {
    for (const id of ids) this.at.set(id, now);
  }
}
