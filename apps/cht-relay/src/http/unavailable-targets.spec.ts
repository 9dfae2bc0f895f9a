import { mapLimited, UnavailableTargets } from './unavailable-targets';

describe('mapLimited', () => {
  it('keeps the order of results and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('handles no items', async () => {
    expect(await mapLimited([], 4, () => Promise.resolve(1))).toEqual([]);
  });
});

describe('UnavailableTargets', () => {
  it('remembers the first reason a target was found down', () => {
    const targets = new UnavailableTargets();
    expect(targets.reasonFor('cht')).toBeUndefined();
    targets.markDown('cht', 'timeout');
    targets.markDown('cht', '503');
    expect(targets.reasonFor('cht')).toBe('timeout');
    expect(targets.reasonFor('rapidpro:x')).toBeUndefined();
  });
});
