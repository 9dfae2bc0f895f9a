import { exFieldNamesOf, isExCallbackAction, parseExReceive, readExStatus, readExStop } from './ex.inbound';

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

describe("a channel's own receive field names (mo_from_field, mo_text_field, mo_date_field)", () => {
  const names = exFieldNamesOf({ mo_from_field: 'msisdn', mo_text_field: 'message', mo_date_field: 'stamp' });

  it('reads the named fields first', () => {
    expect(
      parseExReceive(
        { msisdn: '0712345678', message: 'hi', stamp: '2026-11-22T10:00:00Z', from: '1' },
        'KE',
        names,
      ),
    ).toEqual({ ok: true, from: '+254712345678', text: 'hi', sentAt: new Date('2026-11-22T10:00:00Z') });
  });

  it('falls back to the default names when a named field is absent, as courier does', () => {
    expect(parseExReceive({ sender: '+254712345678', text: 'hi' }, 'KE', names)).toEqual({
      ok: true,
      from: '+254712345678',
      text: 'hi',
    });
  });

  it('sets no name for a value that is not a non-blank string', () => {
    expect(exFieldNamesOf({ mo_from_field: ' ', mo_text_field: 3 })).toEqual({});
    expect(exFieldNamesOf(undefined)).toEqual({});
  });
});

describe('RapidPro callbacks', () => {
  const channel = { id: '0190a5c6-1b2c-7d3e-8f40-123456789abc', country: 'KE' };
  const messageId = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';

  it('knows sent, delivered, failed and stopped', () => {
    expect(['sent', 'delivered', 'failed', 'stopped'].every(isExCallbackAction)).toBe(true);
    expect(isExCallbackAction('receive')).toBe(false);
  });

  it("knows no action named after an object's inherited members", () => {
    expect(['toString', 'constructor', '__proto__', 'hasOwnProperty'].some(isExCallbackAction)).toBe(false);
  });

  it('reads a status callback into a report of our message and answers as RapidPro does', () => {
    const read = readExStatus('delivered', { id: messageId }, channel);
    expect(read).toMatchObject({
      ok: true,
      report: { messageId, status: 'delivered', detail: { source: 'ex callback' } },
      response: {
        message: 'Status Update Accepted',
        data: [{ type: 'status', channel_uuid: channel.id, status: 'D', msg_id: messageId }],
      },
    });
    expect(readExStatus('delivered', { uuid: messageId }, channel)).toMatchObject({
      ok: true,
      report: { messageId, status: 'delivered' },
    });
    expect(readExStatus('delivered', { id: messageId, uuid: 'ignored' }, channel)).toMatchObject({
      report: { messageId },
    });
    expect(readExStatus('sent', { id: 'nope' }, channel)).toEqual({
      ok: false,
      reason: "'id' must be the message id smsgate sent (a UUID)",
    });
  });

  it("reads a stop into the normalised number, with the channel's country", () => {
    expect(readExStop({ sender: '0712 345 678' }, channel)).toEqual({
      ok: true,
      from: KENYA_MOBILE,
      response: {
        message: 'Event Accepted',
        data: [
          {
            type: 'event',
            channel_uuid: channel.id,
            event_type: 'stop_contact',
            urn: `tel:${KENYA_MOBILE}`,
            received_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
          },
        ],
      },
    });
    expect(readExStop({}, channel)).toEqual({ ok: false, reason: "missing required field 'from'" });
  });
});
