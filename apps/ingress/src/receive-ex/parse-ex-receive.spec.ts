import { parseExReceive, parseIsoDate } from './parse-ex-receive';

const KENYA_MOBILE = '+254712345678';

describe('parseExReceive', () => {
  describe('sender', () => {
    it('reads `from` and `text` and leaves sentAt unset when no date is given', () => {
      const result = parseExReceive({ from: KENYA_MOBILE, text: 'hello' }, 'KE');
      expect(result).toEqual({ ok: true, from: KENYA_MOBILE, text: 'hello' });
      expect(result).not.toHaveProperty('sentAt');
    });

    it('reads `sender` when `from` is absent', () => {
      expect(parseExReceive({ sender: KENYA_MOBILE, text: 'hi' }, null)).toEqual({
        ok: true,
        from: KENYA_MOBILE,
        text: 'hi',
      });
    });

    it('prefers `from` over `sender` when both are given', () => {
      const result = parseExReceive({ from: '+447911123456', sender: KENYA_MOBILE, text: 'hi' }, null);
      expect(result).toMatchObject({ ok: true, from: '+447911123456' });
    });

    it('normalises a local number with the channel country', () => {
      expect(parseExReceive({ from: '0712 345 678', text: 'hi' }, 'KE')).toMatchObject({
        ok: true,
        from: KENYA_MOBILE,
      });
    });

    it('rejects a local number when the channel has no country to read it with', () => {
      expect(parseExReceive({ from: '0712345678', text: 'hi' }, null)).toEqual({
        ok: false,
        reason: "invalid 'from' number: impossible number",
      });
    });

    it('keeps a short code as it is', () => {
      expect(parseExReceive({ from: '22141', text: 'STOP' }, 'KE')).toMatchObject({
        ok: true,
        from: '22141',
      });
    });

    it('accepts the sender and text given as JSON numbers', () => {
      expect(parseExReceive({ from: 254712345678, text: 42 }, 'KE')).toEqual({
        ok: true,
        from: KENYA_MOBILE,
        text: '42',
      });
    });

    it.each<[string, Record<string, unknown>]>([
      ['no sender at all', { text: 'hi' }],
      ['an empty `from`', { from: '', text: 'hi' }],
      ['a blank `from`', { from: '   ', text: 'hi' }],
      ['a `from` that is neither string nor number', { from: { number: KENYA_MOBILE }, text: 'hi' }],
      ['a null `from`', { from: null, text: 'hi' }],
    ])('reports a missing `from` for %s', (_case, fields) => {
      expect(parseExReceive(fields, 'KE')).toEqual({ ok: false, reason: "missing required field 'from'" });
    });

    it.each<[string, string]>([
      ['+2547', 'impossible number'],
      ['+999123456789', 'impossible number'],
      ['not-a-number', 'not a phone number'],
    ])('rejects the impossible sender %j with the reason from number parsing', (from, reason) => {
      expect(parseExReceive({ from, text: 'hi' }, 'KE')).toEqual({
        ok: false,
        reason: `invalid 'from' number: ${reason}`,
      });
    });
  });

  describe('text', () => {
    it('treats a missing text as an empty message', () => {
      expect(parseExReceive({ from: KENYA_MOBILE }, 'KE')).toEqual({
        ok: true,
        from: KENYA_MOBILE,
        text: '',
      });
    });

    it('keeps the text exactly as sent, whitespace and all', () => {
      expect(parseExReceive({ from: KENYA_MOBILE, text: '  Habari 👋\n' }, 'KE')).toMatchObject({
        text: '  Habari 👋\n',
      });
    });

    it('accepts a text of 20 000 characters', () => {
      const text = 'a'.repeat(20_000);
      expect(parseExReceive({ from: KENYA_MOBILE, text }, 'KE')).toMatchObject({ ok: true, text });
    });

    it('rejects a text longer than 20 000 characters', () => {
      expect(parseExReceive({ from: KENYA_MOBILE, text: 'a'.repeat(20_001) }, 'KE')).toEqual({
        ok: false,
        reason: "'text' is longer than 20000 characters",
      });
    });
  });

  describe('date', () => {
    it('reads `date` into sentAt', () => {
      const result = parseExReceive({ from: KENYA_MOBILE, text: 'hi', date: '2026-11-22T10:15:00Z' }, 'KE');
      expect(result).toEqual({
        ok: true,
        from: KENYA_MOBILE,
        text: 'hi',
        sentAt: new Date('2026-11-22T10:15:00.000Z'),
      });
    });

    it('reads `time` when `date` is absent', () => {
      const result = parseExReceive({ from: KENYA_MOBILE, time: '2026-11-22T13:15:00+03:00' }, 'KE');
      expect(result).toMatchObject({ ok: true, sentAt: new Date('2026-11-22T10:15:00.000Z') });
    });

    it('leaves sentAt unset for a blank date', () => {
      const result = parseExReceive({ from: KENYA_MOBILE, text: 'hi', date: '  ' }, 'KE');
      expect(result).toEqual({ ok: true, from: KENYA_MOBILE, text: 'hi' });
      expect(result).not.toHaveProperty('sentAt');
    });

    it('rejects a date that is not RFC 3339 and says what is expected', () => {
      expect(parseExReceive({ from: KENYA_MOBILE, text: 'hi', date: '22/11/2026 10:15' }, 'KE')).toEqual({
        ok: false,
        reason: "invalid date '22/11/2026 10:15': expected RFC 3339, e.g. 2026-11-22T10:15:00Z",
      });
    });

    it('rejects a date given as a JSON number (epoch seconds are not RFC 3339)', () => {
      expect(parseExReceive({ from: KENYA_MOBILE, date: 1_795_000_000 }, 'KE')).toMatchObject({
        ok: false,
        reason: expect.stringContaining("invalid date '1795000000'"),
      });
    });

    it('quotes at most 40 characters of a bad date in the reason', () => {
      const date = `2026-11-22T10:15:00Z${'x'.repeat(500)}`;
      const result = parseExReceive({ from: KENYA_MOBILE, date }, 'KE');
      expect(result).toEqual({
        ok: false,
        reason: `invalid date '${date.slice(0, 40)}': expected RFC 3339, e.g. 2026-11-22T10:15:00Z`,
      });
    });

    it('checks the sender before the date', () => {
      expect(parseExReceive({ text: 'hi', date: 'garbage' }, 'KE')).toEqual({
        ok: false,
        reason: "missing required field 'from'",
      });
    });
  });
});

describe('parseIsoDate', () => {
  it.each<[string, string]>([
    ['2026-11-22T10:15:00Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15:00.1Z', '2026-11-22T10:15:00.100Z'],
    ['2026-11-22T10:15:00.12Z', '2026-11-22T10:15:00.120Z'],
    ['2026-11-22T10:15:00.123Z', '2026-11-22T10:15:00.123Z'],
    ['2026-11-22T10:15:00.123456Z', '2026-11-22T10:15:00.123Z'],
    ['2026-11-22T10:15:00.123456789Z', '2026-11-22T10:15:00.123Z'],
    ['2026-11-22T10:15:00.999999999Z', '2026-11-22T10:15:00.999Z'],
    ['2026-11-22T13:15:00+03:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T13:15:00+0300', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T05:15:00-05:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T05:15:00-0500', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T15:45:00.5+05:30', '2026-11-22T10:15:00.500Z'],
    ['2026-11-22T01:00:00+03:00', '2026-11-21T22:00:00.000Z'],
    ['2026-11-22T10:15:00+00:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15:00.250', '2026-11-22T10:15:00.250Z'],
    ['2026-11-22T10:15Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22 10:15:00Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22t10:15:00z', '2026-11-22T10:15:00.000Z'],
    ['  2026-11-22T10:15:00Z\n', '2026-11-22T10:15:00.000Z'],
    ['2028-02-29T10:15:00Z', '2028-02-29T10:15:00.000Z'],
  ])('reads %j as %s', (raw, iso) => {
    expect(parseIsoDate(raw)?.toISOString()).toBe(iso);
  });

  it('reads a zone-less date-time as UTC whatever the local time zone', () => {
    expect(parseIsoDate('2026-06-01T00:00:00')?.getTime()).toBe(Date.UTC(2026, 5, 1, 0, 0, 0));
    expect(parseIsoDate('2026-06-01T00:00')?.getTime()).toBe(Date.UTC(2026, 5, 1, 0, 0, 0));
  });

  it.each([
    '',
    'yesterday',
    '2026-11-22',
    '10:15:00Z',
    '22/11/2026 10:15',
    '2026-11-22T10Z',
    '2026-11-22T10:15:00.Z',
    '2026-11-22T10:15:00.1234567890Z',
    '2026-11-22T10:15:00 Z',
    '2026-11-22T10:15:00+3:00',
    '2026-11-22T10:15:00+03',
    '2026-11-22T10:15:00UTC',
    '2026-11-22T10:15:00Zjunk',
    '2026-13-01T00:00:00Z',
    '2026-11-32T00:00:00Z',
    '2026-11-22T25:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:15:61Z',
    '2026-11-22T10:15:00+25:00',
    'Sun, 22 Nov 2026 10:15:00 GMT',
    '1795000000',
  ])('rejects %j', (raw) => {
    expect(parseIsoDate(raw)).toBeUndefined();
  });

  // Known bug: the JavaScript Date parser rolls an impossible day over into the next month
  // (2026-02-30 becomes 2026-03-02) instead of refusing it. Remove `.failing` once fixed.
  it.each(['2026-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '2026-04-31T10:00:00Z'])(
    'rejects the impossible calendar day %j',
    (raw) => {
      expect(parseIsoDate(raw)).toBeUndefined();
    },
  );

  it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '0001-01-01T00:30:00+01:00'])(
    'rejects %j, which falls outside years 0001 to 9999 in UTC (events could not carry it)',
    (raw) => {
      expect(parseIsoDate(raw)).toBeUndefined();
    },
  );

  it('accepts the first and last instants of the range', () => {
    expect(parseIsoDate('0001-01-01T00:00:00Z')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseIsoDate('9999-12-31T23:59:59Z')?.toISOString()).toBe('9999-12-31T23:59:59.000Z');
  });
});
