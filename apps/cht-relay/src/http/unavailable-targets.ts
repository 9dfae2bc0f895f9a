/**
 * Targets found unavailable (no answer, 5xx) while one batch of events is handled: the batch's other
 * events for them are retried without another request, so a CHT or RapidPro that is down costs one
 * timeout per batch rather than one per event (a consumer must come back within its session timeout).
 */
export class UnavailableTargets {
  private readonly down = new Map<string, string>();

  reasonFor(target: string): string | undefined {
    return this.down.get(target);
  }

  markDown(target: string, reason: string): void {
    if (!this.down.has(target)) this.down.set(target, reason);
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
