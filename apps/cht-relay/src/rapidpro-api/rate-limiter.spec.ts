import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of the per-minute rate, then says how many seconds to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('w1', 3)).toBe(0);
    expect(limiter.take('w1', 3)).toBe(20);
    now += 20_000;
    expect(limiter.take('w1', 3)).toBe(0);
    expect(limiter.take('w1', 3)).toBeGreaterThan(0);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter(() => 0);
    expect(limiter.take('a', 1)).toBe(0);
    expect(limiter.take('a', 1)).toBe(60);
    expect(limiter.take('b', 1)).toBe(0);
  });
});
