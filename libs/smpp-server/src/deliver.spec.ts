import type { MessageStatus } from '@smsgate/contracts';
import { encodeGsm7 } from '@smsgate/sms';
import {
  decodePdu,
  decodeText,
  encodePdu,
  parseReceiptText,
  parseUdh,
  receiptDate,
  receiptOf,
  ShortMessagePdu,
} from '@smsgate/smpp';
import { deliverSm, DeliverSmFields, moPdus, receiptPdu, ReceiptInput } from './deliver';

const receipt = (fields: Partial<ReceiptInput> = {}): ReceiptInput => ({
  submitId: 'msg-1',
  status: 'delivered',
  submittedAt: new Date('2026-12-04T23:48:59Z'),
  doneAt: new Date('2026-12-05T00:02:10Z'),
  source: 'ACME',
  destination: '+254712345678',
  textHead: 'Your code is 123456, valid 5 minutes',
  ...fields,
});

/** Through the codec and back, as the ESME reads it. */
const onTheWire = (fields: DeliverSmFields) => decodePdu(encodePdu(deliverSm(fields, 7))) as ShortMessagePdu;

describe('receiptPdu', () => {
  it('writes the SMPP 3.4 Appendix B text, reversed addresses, esm_class 0x04 and the TLVs', () => {
    const fields = receiptPdu(receipt());
    expect(fields.shortMessage.toString('latin1')).toBe(
      'id:msg-1 sub:001 dlvrd:001 submit date:2612042348 done date:2612050002 stat:DELIVRD err:000 text:Your code is 123456,',
    );
    expect(fields).toMatchObject({
      sourceAddr: '+254712345678',
      destAddr: 'ACME',
      esmClass: 0x04,
      dataCoding: 0,
      receiptedMessageId: 'msg-1',
      messageState: 2,
    });
    const pdu = onTheWire(fields);
    expect(pdu).toMatchObject({
      command: 'deliver_sm',
      sequence: 7,
      source: { ton: 1, npi: 1, addr: '254712345678' },
      destination: { ton: 5, npi: 0, addr: 'ACME' },
      esmClass: 0x04,
      optional: { receiptedMessageId: 'msg-1', messageState: 2 },
    });
  });

  it.each<[MessageStatus, string, number, string]>([
    ['delivered', 'DELIVRD', 2, '001'],
    ['expired', 'EXPIRED', 3, '000'],
    ['failed', 'UNDELIV', 5, '000'],
    ['errored', 'UNDELIV', 5, '000'],
    ['rejected', 'REJECTD', 8, '000'],
    ['no_route', 'REJECTD', 8, '000'],
    ['unknown', 'UNKNOWN', 7, '000'],
    ['sent', 'ENROUTE', 1, '000'],
  ])('reports %s as stat:%s, message_state %i, dlvrd:%s', (status, stat, state, dlvrd) => {
    const fields = receiptPdu(receipt({ status }));
    const text = fields.shortMessage.toString('latin1');
    expect(text).toContain(` stat:${stat} `);
    expect(text).toContain(` dlvrd:${dlvrd} `);
    expect(fields.messageState).toBe(state);
  });

  it('writes the error code in three digits', () => {
    const text = receiptPdu(receipt({ status: 'failed', errorCode: 34 })).shortMessage.toString('latin1');
    expect(text).toContain(' stat:UNDELIV err:034 text:');
  });

  it('parses back with the receipt parser smpp-binds uses', () => {
    const input = receipt({
      status: 'failed',
      errorCode: 69,
      submitId: '5f0c8a9e-1b2c-4d3e-8f90-a1b2c3d4e5f6',
    });
    const pdu = onTheWire(receiptPdu(input));
    const text = decodeText(pdu.shortMessage, pdu.dataCoding);
    expect(parseReceiptText(text)).toEqual({
      messageId: input.submitId,
      stat: 'UNDELIV',
      err: '069',
      submitDate: '2612042348',
      doneDate: '2612050002',
      submitted: 1,
      delivered: 0,
      text: 'Your code is 123456,',
    });
    expect(receiptOf(pdu, text)).toMatchObject({ messageId: input.submitId, stat: 'UNDELIV' });
    expect(receiptDate('2612050002')).toBe('2026-12-05T00:02:00.000Z');
  });

  it('keeps the first 20 characters of the text, those outside GSM 03.38 as ?', () => {
    const pdu = onTheWire(receiptPdu(receipt({ textHead: 'Ok 😀 {ü} ✓ see you at 5' })));
    const text = decodeText(pdu.shortMessage, 0);
    expect(text.endsWith('text:Ok ? {ü} ? see you a')).toBe(true);
    expect(parseReceiptText(text)?.text).toBe('Ok ? {ü} ? see you a');
  });
});

describe('moPdus', () => {
  const decodeParts = (parts: DeliverSmFields[]) =>
    parts.map((part) => {
      const udh = parseUdh(part.shortMessage);
      return { concatenation: udh?.header.concatenation, text: decodeText(udh!.data, part.dataCoding) };
    });

  it('sends GSM 03.38 text as data_coding 0, one septet per octet', () => {
    const [part, ...rest] = moPdus({ from: '+254712345678', to: '22000', text: 'Hi @ 5€_', reference: 1 });
    expect(rest).toEqual([]);
    expect(part).toEqual({
      sourceAddr: '+254712345678',
      destAddr: '22000',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from(encodeGsm7('Hi @ 5€_')),
    });
    expect(onTheWire(part)).toMatchObject({
      source: { ton: 1, npi: 1, addr: '254712345678' },
      destination: { ton: 3, npi: 0, addr: '22000' },
    });
    expect(decodeText(part.shortMessage, 0)).toBe('Hi @ 5€_');
  });

  it('sends other text as UCS-2, data_coding 8', () => {
    const [part, ...rest] = moPdus({ from: '+254712345678', to: '22000', text: 'Привет 😀', reference: 1 });
    expect(rest).toEqual([]);
    expect(part.dataCoding).toBe(8);
    expect(part.esmClass).toBe(0);
    expect(part.shortMessage).toEqual(Buffer.from('Привет 😀', 'utf16le').swap16());
  });

  it('splits a long GSM text into parts with an 8-bit-reference UDH', () => {
    const text = 'a'.repeat(153) + 'b'.repeat(100);
    const parts = moPdus({ from: '+254712345678', to: '22000', text, reference: 0x1a7 });
    expect(parts.map((part) => [part.esmClass, part.dataCoding])).toEqual([
      [0x40, 0],
      [0x40, 0],
    ]);
    expect(parts[0].shortMessage.subarray(0, 6)).toEqual(Buffer.from([0x05, 0x00, 0x03, 0xa7, 2, 1]));
    expect(decodeParts(parts)).toEqual([
      { concatenation: { reference: 0xa7, total: 2, sequence: 1 }, text: 'a'.repeat(153) },
      { concatenation: { reference: 0xa7, total: 2, sequence: 2 }, text: 'b'.repeat(100) },
    ]);
    for (const part of parts) expect(part.shortMessage.length).toBeLessThanOrEqual(159);
  });

  it('splits a long UCS-2 text into parts of 67 characters', () => {
    const text = 'ж'.repeat(140);
    const parts = moPdus({ from: '+254712345678', to: '22000', text, reference: 9 });
    expect(parts.every((part) => part.dataCoding === 8 && part.esmClass === 0x40)).toBe(true);
    expect(decodeParts(parts).map((part) => [part.concatenation?.sequence, part.text.length])).toEqual([
      [1, 67],
      [2, 67],
      [3, 6],
    ]);
    expect(
      decodeParts(parts)
        .map((part) => part.text)
        .join(''),
    ).toBe(text);
  });
});
