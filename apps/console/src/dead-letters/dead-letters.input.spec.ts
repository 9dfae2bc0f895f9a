import { BrowseDeadLettersQuery, ReplayDeadLettersBody } from './dead-letters.input';

describe('dead-letter requests', () => {
  it('browse: a limit of 1 to 1,000 (100 by default), a reason that is a regular expression', () => {
    expect(BrowseDeadLettersQuery.parse({})).toEqual({ limit: 100 });
    expect(BrowseDeadLettersQuery.parse({ limit: '5', reason: '^503' })).toEqual({
      limit: 5,
      reason: '^503',
    });
    expect(BrowseDeadLettersQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(BrowseDeadLettersQuery.safeParse({ reason: '(' }).error?.issues[0].message).toBe(
      'must be a regular expression',
    );
    expect(BrowseDeadLettersQuery.safeParse({ since: 'yesterday' }).success).toBe(false);
    expect(BrowseDeadLettersQuery.safeParse({ colour: 'red' }).success).toBe(false);
  });

  it('replay: names its letters by id or by a filter, never everything by omission', () => {
    const id = '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a59';
    expect(ReplayDeadLettersBody.parse({ ids: [id] })).toEqual({ ids: [id], dryRun: false });
    expect(ReplayDeadLettersBody.parse({ topic: 'sms.outbound.requested.v1', dryRun: true })).toMatchObject({
      dryRun: true,
    });
    expect(ReplayDeadLettersBody.safeParse({}).error?.issues[0].message).toMatch(/^name the dead letters/);
    expect(ReplayDeadLettersBody.safeParse({ limit: 5 }).success).toBe(false);
    expect(ReplayDeadLettersBody.safeParse({ ids: [] }).success).toBe(false);
    expect(ReplayDeadLettersBody.safeParse({ ids: ['not-a-uuid'] }).success).toBe(false);
  });
});
