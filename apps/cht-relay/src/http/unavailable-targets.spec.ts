import { UnavailableTargets } from './unavailable-targets';

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
