import { SmppAccount, SubmitRequest } from '@smsgate/smpp-server';
import { concatKeyOf, dedupeKeyOf, joinParts, textHead } from './submit-sink';

const account: SmppAccount = {
  id: '0b7c1f0e-8d2a-4c55-9d1e-3f6a2b9c8e41',
  workspaceId: '5d0e2a4b-1c3f-4e6a-8b9d-7f1e2c3a4b5d',
  systemId: 'acme',
  maxBinds: 2,
  tps: null,
  allowedSources: [],
  channelId: null,
};

const submit = (fields: Partial<SubmitRequest> = {}): SubmitRequest => ({
  account,
  sessionId: 's1',
  command: 'submit_sm',
  sequence: 7,
  to: '+254712345678',
  from: 'ACME',
  text: 'hello',
  dataCoding: 0,
  registeredDelivery: 1,
  serviceType: '',
  scheduleDeliveryTime: '',
  validityPeriod: '',
  ...fields,
});

describe('the dedupe key of a submit', () => {
  it('is the same for the same submit resent on another session', () => {
    expect(dedupeKeyOf(submit({ sessionId: 's2' }))).toEqual(dedupeKeyOf(submit()));
  });

  it.each([
    ['sequence number', { sequence: 8 }],
    ['account', { account: { ...account, id: 'another' } }],
    ['destination', { to: '+254712345679' }],
    ['source', { from: 'OTHER' }],
    ['text', { text: 'hello!' }],
    ['data coding', { dataCoding: 8 }],
    ['command', { command: 'data_sm' as const }],
    ['registered delivery', { registeredDelivery: 0 }],
    ['part', { concatenation: { scheme: 'udh8' as const, reference: 1, total: 2, sequence: 1 } }],
  ])('differs with the %s', (_what, fields) => {
    expect(dedupeKeyOf(submit(fields))).not.toEqual(dedupeKeyOf(submit()));
  });
});

describe('concatenated submits', () => {
  it("gather by scheme, reference, total and the message's addresses", () => {
    const part = (fields: Partial<SubmitRequest>) =>
      concatKeyOf(
        submit({ concatenation: { scheme: 'udh8', reference: 42, total: 3, sequence: 1 }, ...fields }),
      );
    expect(part({})).toBe(part({ concatenation: { scheme: 'udh8', reference: 42, total: 3, sequence: 2 } }));
    expect(part({})).not.toBe(part({ to: '+254700000000' }));
    expect(part({})).not.toBe(
      part({ concatenation: { scheme: 'sar', reference: 42, total: 3, sequence: 1 } }),
    );
  });

  it('join in sequence order, the latest copy of a part winning', () => {
    expect(
      joinParts([
        { sequence: 2, text: 'b' },
        { sequence: 1, text: 'x' },
        { sequence: 3, text: 'c' },
        { sequence: 1, text: 'a' },
      ]),
    ).toBe('abc');
  });

  it('leave a gap where a part never came', () => {
    expect(
      joinParts([
        { sequence: 3, text: 'c' },
        { sequence: 1, text: 'a' },
      ]),
    ).toBe('ac');
  });
});

it("keeps a receipt's text to 20 characters, counting code points", () => {
  expect(textHead('🙂'.repeat(30))).toBe('🙂'.repeat(20));
  expect(textHead('short')).toBe('short');
});
