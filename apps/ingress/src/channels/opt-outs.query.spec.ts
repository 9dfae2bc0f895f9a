import { encodeOptOutCursor, OptOutsQuery } from './opt-outs.query';

describe('OptOutsQuery', () => {
  it("reads back the position a page's `next` names, a number with spaces too", () => {
    const position = { at: '2026-12-05T09:00:00.000001Z', address: 'whatsapp:+254 700 000001' };
    expect(OptOutsQuery.parse({ cursor: encodeOptOutCursor(position), limit: '2' })).toEqual({
      cursor: position,
      limit: 2,
    });
    expect(OptOutsQuery.parse({})).toEqual({ limit: 50 });
  });

  it.each([
    ['a cursor of no page', { cursor: 'bm90IGEgY3Vyc29y' }],
    [
      'a time without microseconds',
      { cursor: encodeOptOutCursor({ at: '2026-12-05T09:00:00Z', address: '+1' }) },
    ],
    [
      'a cursor without a number',
      { cursor: Buffer.from('2026-12-05T09:00:00.000001Z ').toString('base64url') },
    ],
    ['a limit over 200', { limit: '201' }],
    ['a parameter it does not read', { offset: '10' }],
  ])('refuses %s', (_, query) => {
    expect(OptOutsQuery.safeParse(query).success).toBe(false);
  });
});
