import { parsePayload, Topics } from '@smsgate/contracts';
import { substitute } from './placeholders';

describe('substitute', () => {
  it('fills in variables and names the missing ones', () => {
    expect(substitute('Hi $(name), $(code)', { name: 'Amina', code: '42' })).toEqual({
      ok: true,
      text: 'Hi Amina, 42',
    });
    expect(substitute('Hi $(name) $(x)', {})).toEqual({
      ok: false,
      reason: 'no value for variable $(name), $(x)',
    });
  });

  it('rejects a text its variables make longer than a send request carries (the event would be refused)', () => {
    const text = `${'a'.repeat(9_990)}$(v)`;
    const result = substitute(text, { v: 'b'.repeat(20) });
    expect(result).toEqual({
      ok: false,
      reason: 'the text is longer than 10000 characters once its variables are filled in',
    });
    const fits = substitute(text, { v: 'b'.repeat(10) });
    expect(fits.ok).toBe(true);
    if (fits.ok) {
      const event = {
        workspace: '0190a3c2-1111-7aaa-8bbb-000000000001',
        to: '+254712345678',
        text: fits.text,
      };
      expect(parsePayload(Topics.outboundRequested, event).ok).toBe(true);
    }
  });

  it('rejects a text its variables leave empty', () => {
    expect(substitute('$(v)', { v: '' })).toEqual({
      ok: false,
      reason: 'the text is empty once its variables are filled in',
    });
  });

  it('lets a message with attachments have no text', () => {
    expect(substitute('', {}, true)).toEqual({ ok: true, text: '' });
    expect(substitute('$(v)', { v: '' }, true)).toEqual({ ok: true, text: '' });
  });
});
