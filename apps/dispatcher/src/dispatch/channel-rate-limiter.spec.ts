import { ChannelRateLimiter } from './channel-rate-limiter';

describe('ChannelRateLimiter', () => {
  let clock = 0;
  const limiter = () => new ChannelRateLimiter(() => clock);

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
  });
  afterEach(() => jest.useRealTimers());

  const advance = async (ms: number) => {
    clock += ms;
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('lets a second’s worth of parts through at once, then paces the rest', async () => {
    const rate = limiter();
    const done: number[] = [];
    for (let i = 0; i < 6; i++) void rate.take('ch', 2, 1, 'normal').then(() => done.push(i));
    await advance(0);
    expect(done).toEqual([0, 1]);
    await advance(500);
    expect(done).toEqual([0, 1, 2]);
    await advance(500);
    expect(done).toEqual([0, 1, 2, 3]);
    await advance(1_000);
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('counts parts, not messages', async () => {
    const rate = limiter();
    const done: string[] = [];
    void rate.take('ch', 3, 3, 'normal').then(() => done.push('three parts'));
    void rate.take('ch', 3, 1, 'normal').then(() => done.push('one part'));
    await advance(0);
    expect(done).toEqual(['three parts']);
    await advance(334);
    expect(done).toEqual(['three parts', 'one part']);
  });

  it('serves waiting high-priority messages before bulk ones queued earlier', async () => {
    const rate = limiter();
    const done: string[] = [];
    await rate.take('ch', 1, 1, 'bulk');
    for (const name of ['bulk-1', 'bulk-2']) void rate.take('ch', 1, 1, 'bulk').then(() => done.push(name));
    void rate.take('ch', 1, 1, 'normal').then(() => done.push('normal'));
    void rate.take('ch', 1, 1, 'high').then(() => done.push('high'));
    for (let i = 0; i < 4; i++) await advance(1_000);
    expect(done).toEqual(['high', 'normal', 'bulk-1', 'bulk-2']);
  });

  it('keeps channels apart and does not limit a channel without tps', async () => {
    const rate = limiter();
    await rate.take('a', 1, 1, 'normal');
    let b = false;
    let unlimited = 0;
    void rate.take('b', 1, 1, 'normal').then(() => (b = true));
    await Promise.all(
      Array.from({ length: 100 }, () => rate.take('c', undefined, 1, 'bulk').then(() => unlimited++)),
    );
    await advance(0);
    expect(b).toBe(true);
    expect(unlimited).toBe(100);
  });

  it('lets a message larger than the bucket go when the bucket is full, so it never starves', async () => {
    const rate = limiter();
    let sent = false;
    await rate.take('ch', 2, 2, 'normal');
    void rate.take('ch', 2, 5, 'normal').then(() => (sent = true));
    await advance(999);
    expect(sent).toBe(false);
    await advance(1);
    expect(sent).toBe(true);
    expect(rate.waiting('ch')).toEqual({ high: 0, normal: 0, bulk: 0 });
  });
});
