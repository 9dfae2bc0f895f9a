export type PriorityName = 'high' | 'normal' | 'bulk';

const RANK: Record<PriorityName, number> = { high: 0, normal: 1, bulk: 2 };

interface Waiter {
  cost: number;
  resolve: () => void;
}

interface Bucket {
  tps: number;
  tokens: number;
  refilledAt: number;
  /** One FIFO queue per priority: high empties before normal, normal before bulk. */
  queues: [Waiter[], Waiter[], Waiter[]];
  timer?: NodeJS.Timeout;
}

/**
 * Per-channel rate limit in parts per second (a token bucket holding one second's worth), shared by
 * every message this process sends on the channel. Waiting senders are served by priority, so a
 * `high` message overtakes the `bulk` ones queued before it. A message with more parts than one
 * second's worth waits for a full bucket and then goes (the bucket goes into debt), so nothing starves.
 */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves when `cost` parts may be sent on `channel`; immediately when the channel has no limit. */
  take(channel: string, tps: number | undefined, cost: number, priority: PriorityName): Promise<void> {
    if (!tps || tps <= 0) return Promise.resolve();
    const bucket = this.bucket(channel, tps);
    return new Promise<void>((resolve) => {
      bucket.queues[RANK[priority]].push({ cost, resolve });
      this.drain(bucket);
    });
  }

  /** Senders waiting on `channel`, by priority. */
  waiting(channel: string): Record<PriorityName, number> {
    const queues = this.buckets.get(channel)?.queues ?? [[], [], []];
    return { high: queues[0].length, normal: queues[1].length, bulk: queues[2].length };
  }

  private bucket(channel: string, tps: number): Bucket {
    let bucket = this.buckets.get(channel);
    if (!bucket) {
      bucket = { tps, tokens: tps, refilledAt: this.now(), queues: [[], [], []] };
      this.buckets.set(channel, bucket);
    }
    bucket.tps = tps;
    return bucket;
  }

  private drain(bucket: Bucket): void {
    const now = this.now();
    bucket.tokens = Math.min(bucket.tps, bucket.tokens + ((now - bucket.refilledAt) / 1_000) * bucket.tps);
    bucket.refilledAt = now;
    for (;;) {
      const queue = bucket.queues.find((q) => q.length > 0);
      if (!queue) return;
      const next = queue[0];
      const needed = Math.min(next.cost, bucket.tps);
      if (bucket.tokens < needed) {
        if (!bucket.timer) {
          const wait = Math.ceil(((needed - bucket.tokens) / bucket.tps) * 1_000);
          bucket.timer = setTimeout(() => {
            bucket.timer = undefined;
            this.drain(bucket);
          }, wait);
        }
        return;
      }
      queue.shift();
      bucket.tokens -= next.cost;
      next.resolve();
    }
  }
}
