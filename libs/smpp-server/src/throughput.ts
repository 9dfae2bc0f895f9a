/**
 * Token buckets per account, shared by all sessions of this process: each holds at most one second's
 * worth of submits (at least one), refilled continuously at the account's rate — or at this process's
 * share of it, when the account's binds are spread over several replicas (`share`).
 */
export class AccountThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly shares = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * This process's part (0 < fraction ≤ 1) of an account's rate: its binds over the account's binds on
   * every replica. Unset: the whole rate.
   */
  share(accountId: string, fraction: number): void {
    if (fraction > 0 && fraction < 1) this.shares.set(accountId, fraction);
    else this.shares.delete(accountId);
  }

  /** Takes one token; false when the account is over its rate. `tps` null or absent: no limit. */
  take(accountId: string, tps: number | null | undefined): boolean {
    if (tps === null || tps === undefined || !(tps > 0)) return true;
    const rate = tps * (this.shares.get(accountId) ?? 1);
    const capacity = Math.max(1, rate);
    const now = this.now();
    const bucket = this.buckets.get(accountId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(accountId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets an account's bucket and share (its last session closed); it starts full again. */
  forget(accountId: string): void {
    this.buckets.delete(accountId);
    this.shares.delete(accountId);
  }
}
