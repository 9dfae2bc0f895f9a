import { shortMessage } from './pdu';
import { formatReceiptText, parseReceiptText, receiptDate, receiptOf } from './receipt';

describe('receipts', () => {
  it('parses the Appendix B text, whatever the case, order and spacing', () => {
    expect(
      parseReceiptText(
        'id:0A1B2C sub:001 dlvrd:001 submit date:2611221015 done date:2611221016 stat:DELIVRD err:000 text:Hello world',
      ),
    ).toEqual({
      messageId: '0A1B2C',
      stat: 'DELIVRD',
      err: '000',
      submitDate: '2611221015',
      doneDate: '2611221016',
      submitted: 1,
      delivered: 1,
      text: 'Hello world',
    });
    expect(parseReceiptText('STAT:undeliv ID:77 Err:34')).toMatchObject({
      messageId: '77',
      stat: 'UNDELIV',
      err: '34',
    });
    expect(parseReceiptText('hello there')).toBeUndefined();
  });

  it('prefers the TLVs of a receipt deliver_sm over its text, and ignores non-receipts', () => {
    const pdu = shortMessage('deliver_sm', {
      source: { ton: 1, npi: 1, addr: '1' },
      destination: { ton: 1, npi: 1, addr: '2' },
      esmClass: 0x04,
      optional: { receiptedMessageId: 'ff01', messageState: 5, networkErrorCode: { type: 3, code: 11 } },
    });
    expect(receiptOf(pdu, 'id:x stat:DELIVRD err:000')).toMatchObject({
      messageId: 'ff01',
      stat: 'UNDELIV',
      err: '000',
      networkErrorCode: { type: 3, code: 11 },
    });
    expect(receiptOf({ ...pdu, esmClass: 0 }, 'id:x stat:DELIVRD')).toBeUndefined();
  });

  it('reads receipt dates as UTC and refuses impossible ones', () => {
    expect(receiptDate('2611221016')).toBe('2026-11-22T10:16:00.000Z');
    expect(receiptDate('261122101630')).toBe('2026-11-22T10:16:30.000Z');
    expect(receiptDate('2613221016')).toBeUndefined();
    expect(receiptDate('abc')).toBeUndefined();
  });

  it('formats what it parses', () => {
    const text = formatReceiptText({
      messageId: 'abc',
      stat: 'EXPIRED',
      err: '001',
      submitDate: new Date('2026-11-22T10:00:00Z'),
      doneDate: new Date('2026-11-22T11:00:00Z'),
      text: 'hi',
    });
    expect(parseReceiptText(text)).toMatchObject({
      messageId: 'abc',
      stat: 'EXPIRED',
      err: '001',
      doneDate: '2611221100',
    });
  });
});
