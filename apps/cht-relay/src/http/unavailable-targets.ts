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
