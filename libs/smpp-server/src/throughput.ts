/**
 * Token buckets per account, shared by all sessions of this process: each holds at most one second's
 * worth of submits (at least one), refilled continuously at the account's rate.
 */
export class AccountThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token; false when the account is over its rate. `tps` null or absent: no limit. */
  take(accountId: string, tps: number | null | undefined): boolean {
    if (tps === null || tps === undefined || !(tps > 0)) return true;
    const capacity = Math.max(1, tps);
    const now = this.now();
    const bucket = this.buckets.get(accountId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * tps);
    bucket.at = now;
    this.buckets.set(accountId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets an account's bucket (its last session closed); it starts full again. */
  forget(accountId: string): void {
    this.buckets.delete(accountId);
  }
}
