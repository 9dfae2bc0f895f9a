import { MessageStatus } from '@smsgate/contracts';
import { aggregateParts, decide, isFinal, TrackedState } from './status-machine';

const at = (status: MessageStatus, attempt = 1): TrackedState => ({ status, attempt });

describe('decide', () => {
  it.each<[MessageStatus, MessageStatus]>([
    ['accepted', 'queued'],
    ['accepted', 'sent'],
    ['queued', 'wired'],
    ['wired', 'sent'],
    ['sent', 'delivered'],
    ['accepted', 'delivered'],
    ['queued', 'failed'],
    ['sent', 'expired'],
    ['wired', 'rejected'],
    ['accepted', 'no_route'],
    ['wired', 'errored'],
  ])('moves %s forward to %s', (from, to) => {
    expect(decide(at(from), { status: to, attempt: 1 })).toEqual({ apply: true, next: at(to) });
  });

  it.each<[MessageStatus, MessageStatus]>([
    ['delivered', 'sent'],
    ['delivered', 'failed'],
    ['failed', 'delivered'],
    ['expired', 'delivered'],
    ['rejected', 'queued'],
    ['no_route', 'sent'],
    ['delivered', 'delivered'],
  ])('keeps the final %s when %s arrives', (from, to) => {
    expect(decide(at(from), { status: to, attempt: 9 })).toEqual({ apply: false, reason: 'already final' });
  });

  it.each<[MessageStatus, MessageStatus]>([
    ['sent', 'wired'],
    ['sent', 'queued'],
    ['wired', 'queued'],
    ['sent', 'sent'],
    ['queued', 'accepted'],
    ['sent', 'errored'],
  ])('does not move %s back (or sideways) to %s within an attempt', (from, to) => {
    expect(decide(at(from), { status: to, attempt: 1 })).toEqual({ apply: false, reason: 'not newer' });
  });

  it('starts over with the next dispatch attempt after errored, and ignores a late report of the old one', () => {
    const errored = at('errored', 1);
    const retried = decide(errored, { status: 'queued', attempt: 2 });
    expect(retried).toEqual({ apply: true, next: at('queued', 2) });
    expect(decide(at('queued', 2), { status: 'sent', attempt: 1 })).toEqual({
      apply: false,
      reason: 'not newer',
    });
    expect(decide(at('queued', 2), { status: 'wired', attempt: 2 })).toEqual({
      apply: true,
      next: at('wired', 2),
    });
  });

  it('takes a report without an attempt (a receipt) as one of the current attempt', () => {
    expect(decide(at('wired', 3), { status: 'sent' })).toEqual({ apply: true, next: at('sent', 3) });
    expect(decide(at('sent', 3), { status: 'sent' })).toEqual({ apply: false, reason: 'not newer' });
  });

  it('applies a final report of an older attempt (the provider delivered it after all)', () => {
    expect(decide(at('queued', 2), { status: 'delivered', attempt: 1 })).toEqual({
      apply: true,
      next: at('delivered', 2),
    });
  });

  it('never applies accepted: it is where a message starts', () => {
    expect(decide(at('accepted', 0), { status: 'accepted' })).toEqual({ apply: false, reason: 'not newer' });
  });

  it('treats received (inbound) as final', () => {
    expect(isFinal('received')).toBe(true);
    expect(decide(at('received', 0), { status: 'sent' }).apply).toBe(false);
  });
});

describe('decide, for the receipt timeout', () => {
  it.each<MessageStatus>(['wired', 'sent'])('closes a message left %s as unknown', (from) => {
    expect(decide(at(from, 2), { status: 'unknown', attempt: 2, verdict: true })).toEqual({
      apply: true,
      next: at('unknown', 2),
    });
    expect(decide(at(from, 2), { status: 'unknown', verdict: true }).apply).toBe(true);
  });

  it.each<MessageStatus>(['accepted', 'queued', 'errored'])(
    'leaves a message %s alone: it is not waiting for a receipt',
    (from) => {
      expect(decide(at(from), { status: 'unknown', attempt: 1, verdict: true })).toEqual({
        apply: false,
        reason: 'not awaiting a receipt',
      });
    },
  );

  it('leaves a message alone that was sent again in a newer attempt since the sweeper looked', () => {
    expect(decide(at('sent', 3), { status: 'unknown', attempt: 2, verdict: true })).toEqual({
      apply: false,
      reason: 'not awaiting a receipt',
    });
  });

  it.each<MessageStatus>(['delivered', 'failed', 'expired', 'rejected'])(
    'lets a late %s report replace unknown: it tells what happened',
    (report) => {
      expect(decide(at('unknown', 1), { status: report })).toEqual({ apply: true, next: at(report, 1) });
      expect(decide(at('unknown', 1), { status: report, attempt: 2 })).toEqual({
        apply: true,
        next: at(report, 2),
      });
    },
  );

  it('keeps the first late final report: a second one, or one out of order, is only kept in history', () => {
    const delivered = decide(at('unknown'), { status: 'delivered' });
    expect(delivered.apply).toBe(true);
    if (!delivered.apply) return;
    expect(decide(delivered.next, { status: 'delivered' })).toEqual({
      apply: false,
      reason: 'already final',
    });
    expect(decide(delivered.next, { status: 'failed' })).toEqual({ apply: false, reason: 'already final' });
  });

  it.each<MessageStatus>(['sent', 'wired', 'queued', 'errored', 'accepted', 'unknown'])(
    'keeps unknown when %s arrives',
    (report) => {
      expect(decide(at('unknown'), { status: report, attempt: 1 })).toEqual({
        apply: false,
        reason: 'already final',
      });
    },
  );

  it("keeps unknown against another verdict, such as the expiry sweeper's expired", () => {
    expect(decide(at('unknown'), { status: 'expired', verdict: true })).toEqual({
      apply: false,
      reason: 'already final',
    });
  });

  it('counts unknown as final, but not as a failure of the parts', () => {
    expect(isFinal('unknown')).toBe(true);
    expect(aggregateParts(['unknown', 'delivered'], 2)).toBeUndefined();
  });
});

describe('aggregateParts', () => {
  it('is delivered only when every part is', () => {
    expect(aggregateParts(['delivered', 'delivered', 'delivered'], 3)).toBe('delivered');
    expect(aggregateParts(['delivered', 'sent', 'delivered'], 3)).toBeUndefined();
    expect(aggregateParts(['delivered', 'delivered'], 3)).toBeUndefined();
  });

  it('fails as soon as any part fails, whatever the others', () => {
    expect(aggregateParts(['delivered', 'failed'], 3)).toBe('failed');
    expect(aggregateParts(['sent', 'rejected', 'delivered'], 3)).toBe('rejected');
    expect(aggregateParts(['expired'], 2)).toBe('expired');
  });

  it('is delivered for a single part that is', () => {
    expect(aggregateParts(['delivered'], 1)).toBe('delivered');
    expect(aggregateParts(['sent'], 1)).toBeUndefined();
  });
});
