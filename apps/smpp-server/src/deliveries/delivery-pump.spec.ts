import type { ClaimedSmppDelivery } from '@smsgate/db';
import type { DeliverSmFields } from '@smsgate/smpp-server';
import { storedPdu } from './delivery-rows';
import { DeliveryOutbox, DeliveryPump, DeliverySession } from './delivery-pump';

/** A receiver session whose window fills as deliver() is called and frees as the test answers. */
class FakeSession implements DeliverySession {
  readonly sent: Array<{
    fields: DeliverSmFields;
    answer: (status: number) => void;
    fail: (e: Error) => void;
  }> = [];
  inFlight = 0;
  constructor(private readonly window = 10) {}
  get deliverCapacity() {
    return Math.max(0, this.window - this.inFlight);
  }
  deliver(fields: DeliverSmFields): Promise<number> {
    this.inFlight += 1;
    return new Promise<number>((resolve, reject) => {
      this.sent.push({ fields, answer: resolve, fail: reject });
    }).finally(() => {
      this.inFlight -= 1;
    });
  }
  text(n: number) {
    return this.sent[n].fields.shortMessage.toString();
  }
}

/** The outbox's rows in memory, claimed oldest first, with what was written back. */
class FakeOutbox implements DeliveryOutbox {
  rows: ClaimedSmppDelivery[] = [];
  claims: Array<{ accountIds: string[]; limit: number }> = [];
  delivered: string[][] = [];
  failed: Array<{ id: string; error: string }> = [];
  retried: Array<{ id: string; delayMs: number; error: string }> = [];
  released: string[] = [];
  private nextId = 1;
  add(accountId: string, text: string, attempts = 0) {
    const pdu = storedPdu({
      sourceAddr: 's',
      destAddr: 'd',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from(text),
    });
    this.rows.push({ id: String(this.nextId++), accountId, kind: 'mo', pdu: { ...pdu }, attempts });
  }
  async claimDue(accountIds: string[], limit: number) {
    this.claims.push({ accountIds, limit });
    const due = this.rows.filter((row) => accountIds.includes(row.accountId)).slice(0, limit);
    this.rows = this.rows.filter((row) => !due.includes(row));
    return due.map((row) => ({ ...row, attempts: row.attempts + 1 }));
  }
  async markDelivered(ids: string[]) {
    if (ids.length > 0) this.delivered.push(ids);
  }
  async markFailed(failures: Array<{ id: string; error: string }>) {
    this.failed.push(...failures);
  }
  async reschedule(retries: Array<{ id: string; delayMs: number; error: string }>) {
    this.retried.push(...retries);
  }
  async release(ids: string[]) {
    this.released.push(...ids);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryPump', () => {
  let outbox: FakeOutbox;
  let sessions: Map<string, FakeSession[]>;
  let pump: DeliveryPump;
  const registry = {
    list: () => [...sessions.keys()].map((accountId) => ({ accountId })),
    receivers: (accountId: string) => sessions.get(accountId) ?? [],
  };

  beforeEach(() => {
    outbox = new FakeOutbox();
    sessions = new Map();
    pump = new DeliveryPump(outbox, registry, {
      pollIntervalMs: 60_000,
      retryDelayMs: 1000,
      maxRetryDelayMs: 8000,
    });
  });

  afterEach(() => pump.stop());

  it('claims nothing while no receiver is bound here', async () => {
    outbox.add('a', 'one');
    expect(await pump.round()).toBe(false);
    expect(outbox.claims).toEqual([]);
  });

  it('sends oldest first through the session with room, and marks the accepted delivered in one batch', async () => {
    const session = new FakeSession();
    sessions.set('a', [session]);
    outbox.add('a', 'one');
    outbox.add('b', 'not bound here');
    outbox.add('a', 'two');
    const round = pump.round();
    await tick();
    expect(outbox.claims).toEqual([{ accountIds: ['a'], limit: 10 }]);
    expect([session.text(0), session.text(1)]).toEqual(['one', 'two']);
    session.sent.forEach((sent) => sent.answer(0));
    expect(await round).toBe(false);
    expect(outbox.delivered).toEqual([['1', '3']]);
    expect(outbox.retried).toEqual([]);
  });

  it('finishes a permanent ESME error, retries anything else and a rejected deliver with backoff', async () => {
    const session = new FakeSession();
    sessions.set('a', [session]);
    outbox.add('a', 'unknown number');
    outbox.add('a', 'busy', 2);
    outbox.add('a', 'closed', 9);
    const round = pump.round();
    await tick();
    session.sent[0].answer(0x0b);
    session.sent[1].answer(0x64);
    session.sent[2].fail(new Error('session closed'));
    await round;
    expect(outbox.failed).toEqual([{ id: '1', error: 'deliver_sm_resp 0x0000000b' }]);
    expect(outbox.retried).toEqual([
      { id: '2', delayMs: 4000, error: 'deliver_sm_resp 0x00000064' },
      { id: '3', delayMs: 8000, error: 'session closed' },
    ]);
    expect(outbox.delivered).toEqual([]);
  });

  it("claims up to the sessions' free window, spreads rows over them, and goes on while rounds are full", async () => {
    const first = new FakeSession(2);
    const second = new FakeSession(1);
    sessions.set('a', [first, second]);
    for (const text of ['1', '2', '3', '4', '5']) outbox.add('a', text);
    pump.start();
    await tick();
    expect(outbox.claims.map((claim) => claim.limit)).toEqual([3]);
    expect(first.sent.map((_, n) => first.text(n))).toEqual(['1', '2']);
    expect(second.sent.map((_, n) => second.text(n))).toEqual(['3']);
    [...first.sent, ...second.sent].forEach((sent) => sent.answer(0));
    await tick();
    await tick();
    // The full round ran another at once: the two rows left.
    expect(outbox.claims.map((claim) => claim.limit)).toEqual([3, 3]);
    expect(first.sent.length + second.sent.length).toBe(5);
    [...first.sent.slice(2), ...second.sent.slice(1)].forEach((sent) => sent.answer(0));
    await pump.stop();
    expect(outbox.delivered.flat().sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('releases a claimed row no session can take any more, uncounted', async () => {
    const session = new FakeSession(1);
    sessions.set('a', [session]);
    outbox.add('a', 'one');
    const claimDue = outbox.claimDue.bind(outbox);
    // The session fills between the claim and the send (another round's deliver took the slot).
    outbox.claimDue = async (...args) => {
      const rows = await claimDue(...args);
      session.inFlight = 1;
      return rows;
    };
    await pump.round();
    expect(session.sent).toEqual([]);
    expect(outbox.released).toEqual(['1']);
  });

  it('wakes on a bind and on rows for an account bound here, not for others', async () => {
    pump.start();
    await tick();
    const session = new FakeSession();
    sessions.set('a', [session]);
    outbox.add('a', 'waited');
    pump.onSessionEvent('closed');
    await tick();
    expect(session.sent).toEqual([]);
    pump.onSessionEvent('bound');
    await tick();
    expect(session.text(0)).toBe('waited');
    session.sent[0].answer(0);
    await tick();
    const claims = outbox.claims.length;
    pump.inserted(['b']);
    await tick();
    expect(outbox.claims.length).toBe(claims);
    outbox.add('a', 'new');
    pump.inserted(['b', 'a']);
    await tick();
    expect(session.text(1)).toBe('new');
    session.sent[1].answer(0);
  });

  it('polls for rows other replicas wrote', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const polling = new DeliveryPump(outbox, registry, { pollIntervalMs: 1000 });
      const session = new FakeSession();
      sessions.set('a', [session]);
      polling.start();
      await tick();
      outbox.add('a', 'from another replica');
      expect(session.sent).toEqual([]);
      jest.advanceTimersByTime(1000);
      await tick();
      expect(session.text(0)).toBe('from another replica');
      session.sent[0].answer(0);
      await polling.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('backs off by doubling up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 60].map((attempts) => pump.backoff(attempts))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});
