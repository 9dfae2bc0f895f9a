import { FailedBinds } from './account-directory';

describe('failed binds per remote address', () => {
  it('blocks an address at the limit within a minute, and lets it try again after', () => {
    let now = 0;
    const failed = new FailedBinds(3, () => now);
    for (let i = 0; i < 2; i++) failed.record('203.0.113.7');
    expect(failed.blocked('203.0.113.7')).toBe(false);
    failed.record('203.0.113.7');
    expect(failed.blocked('203.0.113.7')).toBe(true);
    expect(failed.blocked('203.0.113.8')).toBe(false);
    now = 30_000;
    expect(failed.blocked('203.0.113.7')).toBe(true);
    now = 60_001;
    expect(failed.blocked('203.0.113.7')).toBe(false);
  });

  it('counts a sliding minute, not a fixed one', () => {
    let now = 0;
    const failed = new FailedBinds(2, () => now);
    failed.record('a');
    now = 50_000;
    failed.record('a');
    expect(failed.blocked('a')).toBe(true);
    now = 60_001;
    expect(failed.blocked('a')).toBe(false);
  });
});
