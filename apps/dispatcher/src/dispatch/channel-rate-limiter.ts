import { Logger } from '@nestjs/common';
import type { RateLease } from '@smsgate/db';

export type PriorityName = 'high' | 'normal' | 'bulk';

const RANK: Record<PriorityName, number> = { high: 0, normal: 1, bulk: 2 };

/** Short enough that a dead replica's unused share is gone within it, long enough to lease in bulk. */
export const RATE_WINDOW_MS = 100;

/** The budget every dispatcher replica leases from (ChannelRateBudgetsRepository). */
export interface SharedRateBudget {
  lease(channel: string, windowMs: number, tps: number, want: number): Promise<RateLease>;
  pause(channel: string, ms: number): Promise<void>;
}

/** The pause a provider's Retry-After asks for, at most `maxMs`; undefined when there is none to take. */
export function pauseOf(
  retryAfterMs: number | undefined,
  maxMs: number,
): { ms: number; capped: boolean } | undefined {
  if (!retryAfterMs || retryAfterMs <= 0 || maxMs <= 0) return undefined;
  return { ms: Math.min(retryAfterMs, maxMs), capped: retryAfterMs > maxMs };
}

interface Waiter {
  cost: number;
  resolve: () => void;
}

interface ChannelState {
  id: string;
  tps?: number;
  /** Parts leased and not yet spent: what the first waiter has gathered towards its cost. */
  tokens: number;
  /** One FIFO queue per priority: high empties before normal, normal before bulk. */
  queues: [Waiter[], Waiter[], Waiter[]];
  pausedUntil: number;
  pumping: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, ms)));

/**
 * The rate of each HTTP channel (`tps`, parts per second) across every dispatcher replica, and its
 * pauses after a provider's `Retry-After`.
 *
 * The rate is a budget in PostgreSQL (channel_rate_budgets), cut into windows of RATE_WINDOW_MS on the
 * database's clock, each worth its share of `tps`. A replica with senders waiting on a channel leases
 * what they need from the current window in one conditional UPDATE, so a round trip is per lease (the
 * parts of every message waiting then), not per message; when the window is spent it sleeps until the
 * next one. Parts are only leased for senders waiting, and the waiting senders spend them, so nothing is
 * held back when a replica dies: its lease ends with the window. Senders of a replica are served by
 * priority (a `high` message overtakes the `bulk` ones queued before it), and a message costs its parts:
 * one worth more than a window gathers parts over several windows, so nothing starves and the rate
 * holds. Channels without `tps` pay a map lookup (their pauses are this replica's own); a pause of a
 * channel with `tps` is also written to its budget, which stops the other replicas' leases.
 *
 * Why not channel ownership as smpp-binds has it: dispatcher's messages are keyed by message id, so
 * every replica sends on every channel; owning a channel would mean re-routing its messages, a Kafka
 * hop per message. Why not an in-process share of `tps / replicas`: a replica does not know how many
 * others have work, and 10/s over 3 replicas does not divide.
 */
export class ChannelRateLimiter {
  private readonly logger = new Logger(ChannelRateLimiter.name);
  private readonly channels = new Map<string, ChannelState>();

  constructor(
    private readonly budget: SharedRateBudget,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when `cost` parts may be sent on `channel`; at once when it has no limit and no pause. */
  take(channel: string, tps: number | undefined, cost: number, priority: PriorityName): Promise<void> {
    const known = this.channels.get(channel);
    if (!tps && (!known || known.pausedUntil <= this.now())) return Promise.resolve();
    const state = known ?? this.state(channel);
    state.tps = tps;
    return new Promise<void>((resolve) => {
      state.queues[RANK[priority]].push({ cost, resolve });
      void this.pump(state);
    });
  }

  /** No sender goes on `channel` for `ms`: on this replica at once, on the others through the budget. */
  async pause(channel: string, tps: number | undefined, ms: number): Promise<void> {
    const state = this.channels.get(channel) ?? this.state(channel);
    state.pausedUntil = Math.max(state.pausedUntil, this.now() + ms);
    if (tps) await this.budget.pause(channel, ms);
  }

  /** Channels this replica holds paused now. */
  paused(): number {
    const now = this.now();
    return [...this.channels.values()].filter((state) => state.pausedUntil > now).length;
  }

  /** Senders waiting on `channel`, by priority. */
  waiting(channel: string): Record<PriorityName, number> {
    const queues = this.channels.get(channel)?.queues ?? [[], [], []];
    return { high: queues[0].length, normal: queues[1].length, bulk: queues[2].length };
  }

  private state(channel: string): ChannelState {
    const state: ChannelState = {
      id: channel,
      tokens: 0,
      queues: [[], [], []],
      pausedUntil: 0,
      pumping: false,
    };
    this.channels.set(channel, state);
    return state;
  }

  /** One loop per channel while senders wait: serve, lease, sleep. */
  private async pump(state: ChannelState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      for (;;) {
        const pause = state.pausedUntil - this.now();
        if (pause > 0) {
          await sleep(pause);
          continue;
        }
        if (!this.serve(state)) return;
        const want = this.demand(state) - state.tokens;
        const lease = await this.budget
          .lease(state.id, RATE_WINDOW_MS, state.tps!, want)
          .catch((error: unknown): RateLease => {
            this.logger.warn(`rate budget of channel ${state.id} unreadable (${String(error)}); waiting`);
            return { granted: 0, waitMs: RATE_WINDOW_MS };
          });
        state.tokens += lease.granted;
        if (lease.granted < want) {
          this.serve(state);
          await sleep(lease.waitMs);
        }
      }
    } finally {
      state.pumping = false;
    }
  }

  /** Lets waiters go in priority order while parts last; false when none is left waiting. */
  private serve(state: ChannelState): boolean {
    for (;;) {
      const queue = state.queues.find((q) => q.length > 0);
      if (!queue) return false;
      if (state.tps && state.tokens < queue[0].cost) return true;
      const next = queue.shift()!;
      if (state.tps) state.tokens -= next.cost;
      next.resolve();
    }
  }

  private demand(state: ChannelState): number {
    return state.queues.reduce(
      (sum, queue) => sum + queue.reduce((parts, waiter) => parts + waiter.cost, 0),
      0,
    );
  }
}
