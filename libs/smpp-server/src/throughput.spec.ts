import { AccountThrottle } from './throughput';

describe('AccountThrottle', () => {
  let now = 0;
  const throttle = () => new AccountThrottle(() => now);
  const takes = (limiter: AccountThrottle, account: string, tps: number | null, count: number) =>
    Array.from({ length: count }, () => limiter.take(account, tps)).filter(Boolean).length;

  beforeEach(() => (now = 0));

  it('lets one second’s worth through at once, then refills at the rate', () => {
    const limiter = throttle();
    expect(takes(limiter, 'a', 10, 15)).toBe(10);
    now += 250;
    expect(takes(limiter, 'a', 10, 15)).toBe(2);
    now += 10_000;
    expect(takes(limiter, 'a', 10, 15)).toBe(10);
  });

  it('keeps accounts apart', () => {
    const limiter = throttle();
    expect(takes(limiter, 'a', 2, 5)).toBe(2);
    expect(takes(limiter, 'b', 2, 5)).toBe(2);
  });

  it('allows one submit at a time below one per second', () => {
    const limiter = throttle();
    expect(takes(limiter, 'a', 0.5, 3)).toBe(1);
    now += 1_000;
    expect(takes(limiter, 'a', 0.5, 3)).toBe(0);
    now += 1_000;
    expect(takes(limiter, 'a', 0.5, 3)).toBe(1);
  });

  it('does not limit an account without tps', () => {
    expect(takes(throttle(), 'a', null, 1_000)).toBe(1_000);
  });

  it("takes this replica's share of the account's rate, and the whole rate again when told so", () => {
    const limiter = throttle();
    limiter.share('a', 0.25);
    expect(takes(limiter, 'a', 40, 50)).toBe(10);
    now += 1_000;
    expect(takes(limiter, 'a', 40, 50)).toBe(10);
    limiter.share('a', 1);
    now += 1_000;
    expect(takes(limiter, 'a', 40, 50)).toBe(40);
  });

  it('ignores a share that is not a fraction of the rate', () => {
    const limiter = throttle();
    limiter.share('a', 0);
    limiter.share('b', 3);
    expect(takes(limiter, 'a', 10, 20)).toBe(10);
    expect(takes(limiter, 'b', 10, 20)).toBe(10);
  });
});
