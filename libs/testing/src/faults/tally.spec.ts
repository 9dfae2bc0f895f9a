import type { ClientMessage } from './load-client';
import type { SmscSubmit } from './smsc-log';
import { figuresOf } from './report';
import { tally, type TallyInput } from './tally';

const message = (n: number, overrides: Partial<ClientMessage> = {}): ClientMessage => ({
  n,
  key: `k${n}`,
  to: `+25470000000${n}`,
  channel: 'smpp',
  text: `t${n}`,
  parts: 1,
  attempts: [{ at: 1_000, ms: 5, status: 202 }],
  ids: [`id${n}`],
  outcome: 'accepted',
  acceptedAt: 1_005,
  ...overrides,
});
const submit = (to: string, at: number, seq?: number): SmscSubmit => ({
  e: 'submit',
  gen: 1,
  id: `S${at}`,
  source: { ton: 5, npi: 0, addr: 'SMSGATE' },
  destination: { ton: 1, npi: 1, addr: to.slice(1) },
  to: to.slice(1),
  text: 'x',
  ...(seq ? { part: { ref: 1, total: 2, seq } } : {}),
  at,
});
const input = (overrides: Partial<TallyInput>): TallyInput => ({
  messages: [],
  submits: [],
  requests: [],
  callbacks: [],
  statuses: new Map(),
  window: { start: 2_000, end: 3_000 },
  ...overrides,
});

const callback = {
  eventId: '',
  id: 'id4',
  status: 'delivered',
  previousStatus: 'sent',
  detail: '{}',
  at: 1_500,
};

describe('tally', () => {
  it('counts a part the SMSC got twice as a duplicate submit, and a message never final as lost', () => {
    const long = message(1, { parts: 2 });
    const result = tally(
      input({
        messages: [long, message(2)],
        submits: [submit(long.to, 1_100, 1), submit(long.to, 1_200, 2), submit(long.to, 1_300, 2)],
        statuses: new Map([
          ['id1', 'delivered'],
          ['id2', 'queued'],
        ]),
      }),
    );
    expect(result.duplicateSubmits).toEqual([expect.objectContaining({ key: 'k1', part: 2 })]);
    expect(result.lost).toEqual([expect.objectContaining({ key: 'k2', reason: 'never final' })]);
    expect(result.final).toBe(1);
  });

  it('counts a final message the provider never had as lost, and only 200-answered sends as taken', () => {
    const ex = message(3, { channel: 'ex' });
    const result = tally(
      input({
        messages: [ex],
        requests: [
          { id: 'id3', to: ex.to, text: 't3', status: 500, at: 1_100 },
          { id: 'id3', to: ex.to, text: 't3', status: 500, at: 1_200 },
        ],
        statuses: new Map([['id3', 'failed']]),
      }),
    );
    expect(result.duplicateSends).toEqual([]);
    expect(result.lost).toEqual([
      expect.objectContaining({ key: 'k3', reason: expect.stringContaining('without the provider') }),
    ]);
  });

  it('tells redelivered callbacks from a status under two event ids, and documented 5xx from others', () => {
    const result = tally(
      input({
        messages: [
          message(4, {
            attempts: [
              { at: 900, ms: 1, status: 503 },
              { at: 950, ms: 1, status: 504, body: '{"statusCode":504,"outcome":"unknown"}' },
              { at: 980, ms: 1, status: 500 },
              { at: 1_000, ms: 5, status: 202 },
            ],
          }),
        ],
        submits: [submit('+254700000004', 1_100)],
        statuses: new Map([['id4', 'delivered']]),
        callbacks: [
          { ...callback, eventId: 'e1', at: 1_200 },
          { ...callback, eventId: 'e1', at: 1_300 },
          { ...callback, eventId: 'e2', at: 1_400 },
          { ...callback, eventId: 'e3', status: 'errored', detail: '{"attempt":1}' },
          { ...callback, eventId: 'e4', status: 'errored', detail: '{"attempt":2}' },
        ],
      }),
    );
    expect(result.callbackRedeliveries).toBe(1);
    expect(result.callbackDuplicateEvents).toEqual([
      { id: 'id4', status: 'sent → delivered', eventIds: ['e1', 'e2'], detail: '{}' },
    ]);
    expect(result.callbackRepeatedStatuses).toBe(1);
    expect([result.answers503, result.answers504Unknown, result.answersOther5xx.length]).toEqual([1, 1, 1]);
  });

  it('measures resume from the fault end: the first submit of a message accepted after the fault began', () => {
    const late = message(5, { acceptedAt: 2_510, attempts: [{ at: 2_500, ms: 10, status: 202 }] });
    const result = tally(
      input({
        messages: [message(6), late],
        submits: [submit('+254700000006', 2_100), submit(late.to, 4_500)],
      }),
    );
    expect(result.resume.smsc).toBe(1.5);
    expect(result.resume.accept).toBeUndefined(); // no 202 after the fault's end
  });

  describe('copies sent again', () => {
    const one = message(5);
    const ex = message(6, { channel: 'ex' });
    const statuses = new Map([
      ['id5', 'delivered'],
      ['id6', 'delivered'],
    ]);
    const copies = {
      submits: [submit(one.to, 1_000), submit(one.to, 9_000)],
      requests: [
        { id: 'id6', to: ex.to, text: 't6', status: 200, at: 1_000 },
        { id: 'id6', to: ex.to, text: 't6', status: 200, at: 9_000 },
      ],
    };
    const figures = (window: TallyInput['window']) =>
      figuresOf(tally(input({ messages: [one, ex], statuses, ...copies, window })));

    it('are duplicates when nothing was killed around the first copy', () => {
      expect(figures({ start: 2_000, end: 3_000 })).toMatchObject({
        duplicateSubmits: 1,
        duplicateSends: 1,
        submitsAgainAtCrash: 0,
        sendsAgainAtCrash: 0,
      });
    });

    // 1,050: after the first copy (logged at 1,000). 990: the kill was sent just before the provider logged
    // the copy, which had left before the kill landed.
    it.each([1_050, 990])(
      'are at least once when the sender was SIGKILLed (at %i) before it could record the answer',
      (at) => {
        const window = {
          start: at,
          end: 3_000,
          crashes: [
            { who: 'smpp-binds' as const, at },
            { who: 'dispatcher' as const, at },
          ],
        };
        expect(figures(window)).toMatchObject({
          duplicateSubmits: 0,
          duplicateSends: 0,
          submitsAgainAtCrash: 1,
          sendsAgainAtCrash: 1,
        });
      },
    );

    it('are duplicates when the crash came after the answer had time to be recorded', () => {
      const window = { start: 5_000, end: 6_000, crashes: [{ who: 'smpp-binds' as const, at: 5_000 }] };
      expect(figures(window)).toMatchObject({ duplicateSubmits: 1, submitsAgainAtCrash: 0 });
    });

    it('are at least once when the SMSC died before answering the first copy, not after', () => {
      const killed = (at: number) => ({
        start: at,
        end: at + 1_000,
        crashes: [{ who: 'smsc' as const, at }],
      });
      expect(figures(killed(1_050))).toMatchObject({ duplicateSubmits: 0, submitsAgainAtCrash: 1 });
      // Logged just after the kill was sent, before the process died: never answered either.
      expect(figures(killed(990))).toMatchObject({ duplicateSubmits: 0, submitsAgainAtCrash: 1 });
      expect(figures(killed(1_200))).toMatchObject({ duplicateSubmits: 1, submitsAgainAtCrash: 0 });
    });
  });
});
