import { jittered } from './retry-record';

describe('jittered retry delays', () => {
  it('spreads a delay over ±20 %', () => {
    expect(jittered(10_000, () => 0)).toBe(8_000);
    expect(jittered(10_000, () => 0.5)).toBe(10_000);
    expect(jittered(10_000, () => 0.999_999)).toBe(12_000);
  });

  it('gives failures of the same moment different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => jittered(60_000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(48_000);
      expect(delay).toBeLessThanOrEqual(72_000);
    }
  });
});
