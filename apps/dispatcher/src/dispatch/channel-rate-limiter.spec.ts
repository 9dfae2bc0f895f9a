import type { RateLease } from '@smsgate/db';
import { ChannelRateLimiter, pauseOf, RATE_WINDOW_MS, SharedRateBudget } from './channel-rate-limiter';

/**
 * The budget's arithmetic as channel_rate_budgets does it (that table is tested against PostgreSQL in
 * channel-rate-budgets.integration-spec.ts), on the test's clock: here the limiter's side is checked.
 */
class WindowBudget implements SharedRateBudget {
  readonly leases: { channel: string; want: number; granted: number }[] = [];
  readonly pauses: { channel: string; ms: number }[] = [];
  private readonly used = new Map<string, { window: number; leased: number }>();
  pausedUntil = 0;

  constructor(private readonly clock: () => number) {}

  lease(channel: string, windowMs: number, tps: number, want: number): Promise<RateLease> {
    const now = this.clock();
    const window = Math.floor(now / windowMs);
    const share =
      Math.floor(((window + 1) * windowMs * tps) / 1_000) - Math.floor((window * windowMs * tps) / 1_000);
    const row = this.used.get(channel);
    const leased = row?.window === window ? row.leased : 0;
    const granted = now < this.pausedUntil ? 0 : Math.max(0, Math.min(want, share - leased));
    this.used.set(channel, { window, leased: leased + granted });
    this.leases.push({ channel, want, granted });
    const waitMs = now < this.pausedUntil ? this.pausedUntil - now : (window + 1) * windowMs - now;
    return Promise.resolve({ granted, waitMs });
  }

  pause(channel: string, ms: number): Promise<void> {
    this.pauses.push({ channel, ms });
    return Promise.resolve();
  }
}

describe('ChannelRateLimiter', () => {
  let clock = 0;
  let budget: WindowBudget;
  const limiter = () => new ChannelRateLimiter(budget, () => clock);

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    budget = new WindowBudget(() => clock);
  });
  afterEach(() => jest.useRealTimers());

  const advance = async (ms: number) => {
    for (let step = 0; step < ms; step += 10) {
      clock += Math.min(10, ms - step);
      await jest.advanceTimersByTimeAsync(Math.min(10, ms - step));
    }
    await jest.advanceTimersByTimeAsync(0);
  };

  it('sends what the shared budget leases: a window’s share at a time, tps a second', async () => {
    const rate = limiter();
    const done: number[] = [];
    for (let i = 0; i < 30; i++) void rate.take('ch', 10, 1, 'normal').then(() => done.push(i));
    await advance(0);
    expect(done).toHaveLength(1);
    await advance(1_000);
    expect(done).toHaveLength(11);
    await advance(1_000);
    expect(done).toHaveLength(21);
  });

  it('leases for every sender waiting at once, one round trip for many messages', async () => {
    const rate = limiter();
    const sent = Array.from({ length: 50 }, () => rate.take('ch', 1_000, 1, 'normal'));
    await advance(0);
    await Promise.all(sent);
    // The first sender's lease went out alone; the 49 that came while it ran share the next.
    expect(budget.leases).toEqual([
      { channel: 'ch', want: 1, granted: 1 },
      { channel: 'ch', want: 49, granted: 49 },
    ]);
  });

  it('counts parts, and gathers a message worth more than a window over several', async () => {
    const rate = limiter();
    const done: string[] = [];
    void rate.take('ch', 10, 3, 'normal').then(() => done.push('three parts'));
    void rate.take('ch', 10, 1, 'normal').then(() => done.push('one part'));
    await advance(RATE_WINDOW_MS);
    expect(done).toEqual([]);
    await advance(RATE_WINDOW_MS);
    expect(done).toEqual(['three parts']);
    await advance(RATE_WINDOW_MS);
    expect(done).toEqual(['three parts', 'one part']);
  });

  it('serves waiting high-priority messages before bulk ones queued earlier', async () => {
    const rate = limiter();
    const done: string[] = [];
    for (const name of ['bulk-0', 'bulk-1', 'bulk-2'])
      void rate.take('ch', 1, 1, 'bulk').then(() => done.push(name));
    void rate.take('ch', 1, 1, 'normal').then(() => done.push('normal'));
    void rate.take('ch', 1, 1, 'high').then(() => done.push('high'));
    await advance(5_000);
    expect(done).toEqual(['high', 'normal', 'bulk-0', 'bulk-1', 'bulk-2']);
  });

  it('does not limit nor lease for a channel without tps', async () => {
    const rate = limiter();
    let unlimited = 0;
    await Promise.all(
      Array.from({ length: 100 }, () => rate.take('c', undefined, 1, 'bulk').then(() => unlimited++)),
    );
    expect(unlimited).toBe(100);
    expect(budget.leases).toEqual([]);
  });

  it('holds every sender of a paused channel until the pause ends, and shares the pause when it has tps', async () => {
    const rate = limiter();
    let free = 0;
    await rate.pause('free', undefined, 2_000);
    await rate.pause('limited', 5, 2_000);
    expect(rate.paused()).toBe(2);
    expect(budget.pauses).toEqual([{ channel: 'limited', ms: 2_000 }]);
    for (let i = 0; i < 3; i++) void rate.take('free', undefined, 1, 'high').then(() => free++);
    await advance(1_990);
    expect(free).toBe(0);
    await advance(20);
    expect(free).toBe(3);
    expect(rate.paused()).toBe(0);
  });

  it('stops leasing while another replica’s pause holds the budget', async () => {
    const rate = limiter();
    budget.pausedUntil = 1_500;
    let sent = false;
    void rate.take('ch', 10, 1, 'normal').then(() => (sent = true));
    await advance(1_490);
    expect(sent).toBe(false);
    expect(budget.leases).toHaveLength(1);
    await advance(20);
    expect(sent).toBe(true);
  });
});

describe('pauseOf', () => {
  it('takes a Retry-After up to the cap, and says when it capped it', () => {
    expect(pauseOf(2_000, 300_000)).toEqual({ ms: 2_000, capped: false });
    expect(pauseOf(86_400_000, 300_000)).toEqual({ ms: 300_000, capped: true });
  });

  it('has no pause without a Retry-After, for one in the past, or when pauses are off', () => {
    expect(pauseOf(undefined, 300_000)).toBeUndefined();
    expect(pauseOf(0, 300_000)).toBeUndefined();
    expect(pauseOf(2_000, 0)).toBeUndefined();
  });
});
