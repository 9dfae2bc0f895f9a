import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('loads once per key until the entry expires, then loads again', async () => {
    const cache = new TtlCache<string, number>(5_000, 10);
    const load = jest.fn().mockResolvedValueOnce(1).mockResolvedValueOnce(2);
    expect(await cache.get('a', load)).toBe(1);
    jest.advanceTimersByTime(4_999);
    expect(await cache.get('a', load)).toBe(1);
    jest.advanceTimersByTime(1);
    expect(await cache.get('a', load)).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('caches "none" (null and undefined) like any value', async () => {
    const cache = new TtlCache<string, string | null | undefined>(5_000, 10);
    const load = jest.fn().mockResolvedValue(undefined);
    await cache.get('missing', load);
    await cache.get('missing', load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get('gone', () => Promise.resolve(null));
    expect(await cache.get('gone', () => Promise.resolve('reloaded'))).toBeNull();
  });

  it('keeps at most max entries, dropping the one stored longest ago', async () => {
    const cache = new TtlCache<number, number>(60_000, 3);
    for (let key = 0; key < 1_000; key++) await cache.get(key, () => Promise.resolve(key));
    expect(cache.size).toBe(3);
    const load = jest.fn((key: number) => Promise.resolve(-key));
    expect(await cache.get(999, () => load(999))).toBe(999);
    expect(await cache.get(996, () => load(996))).toBe(-996);
    cache.set(997, 7); // storing again makes it the newest
    await cache.get(1, () => load(1));
    expect(await cache.get(997, () => load(997))).toBe(7);
    expect(await cache.get(998, () => load(998))).toBe(-998);
  });

  it('peeks at a live entry without loading, and not at an expired one', () => {
    const cache = new TtlCache<string, number>(5_000, 10);
    expect(cache.peek('a')).toBeUndefined();
    cache.set('a', 1);
    jest.advanceTimersByTime(4_999);
    expect(cache.peek('a')).toBe(1);
    jest.advanceTimersByTime(1);
    expect(cache.peek('a')).toBeUndefined();
  });

  it('forgets a deleted key', async () => {
    const cache = new TtlCache<string, number>(60_000, 10);
    await cache.get('a', () => Promise.resolve(1));
    cache.delete('a');
    expect(await cache.get('a', () => Promise.resolve(2))).toBe(2);
  });

  it('peeks at a stored value until it expires, loading nothing', () => {
    const cache = new TtlCache<string, number>(5_000, 10);
    cache.set('a', 1);
    expect(cache.peek('a')).toBe(1);
    expect(cache.peek('b')).toBeUndefined();
    jest.advanceTimersByTime(5_000);
    expect(cache.peek('a')).toBeUndefined();
  });
});
