import { addressFor, readAddress, smppAbsoluteTime } from './address';
import { canonicalSmppId } from './message-id';
import { buildParts } from './parts';
import { decodeText, encodeText, packSeptets, unpackSeptets } from './text';
import { parseUdh } from './udh';
import { encodeGsm7 } from '@smsgate/sms';

describe('text encodings', () => {
  it('packs and unpacks septets (TS 23.038 example "hellohello")', () => {
    const packed = packSeptets(encodeGsm7('hellohello'));
    expect(packed.toString('hex')).toBe('e8329bfd4697d9ec37');
    expect(unpackSeptets(packed, 10)).toEqual(encodeGsm7('hellohello'));
  });

  it('decodes GSM (with the extension table), Latin-1 and UCS-2 (with surrogate pairs) by data_coding', () => {
    expect(decodeText(encodeText('Hi {€}', 'gsm7'), 0)).toBe('Hi {€}');
    expect(decodeText(Buffer.from('Café', 'latin1'), 3)).toBe('Café');
    expect(decodeText(encodeText('Привет 😀', 'ucs2'), 8)).toBe('Привет 😀');
    expect(decodeText(Buffer.from([0x00, 0x41, 0x00]), 8)).toBe('A');
    expect(decodeText(Buffer.from([0x41]), 0xf0)).toBe('A');
  });
});

describe('buildParts', () => {
  it('sends 160 GSM septets as one part, 161 as two of 153 + 8 sharing one 8-bit reference', () => {
    expect(
      buildParts('a'.repeat(160), { preferred: 'gsm7', longMessage: 'udh8', reference: 1 }),
    ).toHaveLength(1);
    const parts = buildParts('a'.repeat(161), { preferred: 'gsm7', longMessage: 'udh8', reference: 0x1a7 });
    expect(parts.map((part) => part.text.length)).toEqual([153, 8]);
    expect(parts.map((part) => parseUdh(part.shortMessage)?.header.concatenation)).toEqual([
      { reference: 0xa7, total: 2, sequence: 1 },
      { reference: 0xa7, total: 2, sequence: 2 },
    ]);
    expect(parts.every((part) => part.esmClass === 0x40 && part.dataCoding === 0)).toBe(true);
  });

  it('counts extension characters as two septets and never splits them', () => {
    const parts = buildParts('a'.repeat(152) + '€' + 'b'.repeat(10), {
      preferred: 'gsm7',
      longMessage: 'udh8',
      reference: 1,
    });
    expect(parts.map((part) => part.text)).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)]);
  });

  it('sends a 300-character UCS-2 text as 5 parts of at most 67 code units with one reference', () => {
    const text = 'ж'.repeat(300);
    const parts = buildParts(text, { preferred: 'gsm7', longMessage: 'udh8', reference: 77 });
    expect(parts).toHaveLength(5);
    expect(parts.map((part) => part.text).join('')).toBe(text);
    expect(
      new Set(parts.map((part) => parseUdh(part.shortMessage)?.header.concatenation?.reference)),
    ).toEqual(new Set([77]));
    expect(parts.every((part) => part.dataCoding === 8)).toBe(true);
  });

  it('keeps surrogate pairs whole across UCS-2 parts', () => {
    const text = 'x'.repeat(66) + '😀' + 'y'.repeat(10);
    const parts = buildParts(text, { preferred: 'gsm7', longMessage: 'udh8', reference: 1 });
    expect(parts.map((part) => part.text)).toEqual(['x'.repeat(66), '😀' + 'y'.repeat(10)]);
  });

  it('uses 16-bit references, SAR TLVs or one message_payload when configured', () => {
    const text = 'b'.repeat(200);
    const udh16 = buildParts(text, { preferred: 'gsm7', longMessage: 'udh16', reference: 0x1234 });
    expect(udh16[0].text).toHaveLength(152);
    expect(parseUdh(udh16[1].shortMessage)?.header.concatenation).toEqual({
      reference: 0x1234,
      total: 2,
      sequence: 2,
    });
    const sar = buildParts(text, { preferred: 'gsm7', longMessage: 'sar', reference: 0x1234 });
    expect(sar.map((part) => part.optional)).toEqual([
      { sarMsgRefNum: 0x1234, sarTotalSegments: 2, sarSegmentSeqnum: 1 },
      { sarMsgRefNum: 0x1234, sarTotalSegments: 2, sarSegmentSeqnum: 2 },
    ]);
    expect(sar[0].esmClass).toBe(0);
    const payload = buildParts(text, { preferred: 'gsm7', longMessage: 'payload', reference: 1 });
    expect(payload).toHaveLength(1);
    expect(payload[0].optional.messagePayload?.length).toBe(200);
    expect(payload[0].shortMessage).toHaveLength(0);
  });

  it('pads packed GSM after a UDH to a septet boundary', () => {
    const parts = buildParts('c'.repeat(170), {
      preferred: 'gsm7_packed',
      longMessage: 'udh8',
      reference: 3,
    });
    const parsed = parseUdh(parts[0].shortMessage);
    expect(parsed?.data.length).toBe(134);
    expect(unpackSeptets(parsed!.data, 153, 1)).toEqual(encodeGsm7('c'.repeat(153)));
  });

  it('uses Latin-1 when preferred and the text fits it, with 134-octet parts', () => {
    const parts = buildParts('é'.repeat(141), { preferred: 'latin1', longMessage: 'udh8', reference: 3 });
    expect(parts.map((part) => [part.dataCoding, part.text.length])).toEqual([
      [3, 134],
      [3, 7],
    ]);
  });
});

describe('parseUdh', () => {
  it('refuses headers that run past the message', () => {
    expect(parseUdh(Buffer.from([9, 0, 3, 1]))).toBeUndefined();
    expect(parseUdh(Buffer.from([3, 0, 5, 1]))).toBeUndefined();
  });

  it('ignores a concatenation element with an impossible sequence', () => {
    expect(parseUdh(Buffer.from([5, 0, 3, 1, 2, 3, 0x41]))?.header.concatenation).toBeUndefined();
  });
});

describe('addresses', () => {
  it.each([
    ['+254712345678', { ton: 1, npi: 1, addr: '254712345678' }],
    ['254712345678', { ton: 1, npi: 1, addr: '254712345678' }],
    ['22000', { ton: 3, npi: 0, addr: '22000' }],
    ['VF-XYZBK', { ton: 5, npi: 0, addr: 'VF-XYZBK' }],
  ])('detects TON/NPI of %s', (value, expected) => {
    expect(addressFor(value)).toEqual(expected);
  });

  it('lets configured TON/NPI win, and reads international numbers back with a plus', () => {
    expect(addressFor('+254712345678', { ton: 0, npi: 0 })).toEqual({ ton: 0, npi: 0, addr: '254712345678' });
    expect(readAddress({ ton: 1, npi: 1, addr: '254712345678' })).toBe('+254712345678');
    expect(readAddress({ ton: 0, npi: 1, addr: '0712345678' })).toBe('0712345678');
  });

  it('writes SMPP absolute times in UTC', () => {
    expect(smppAbsoluteTime(new Date('2026-11-22T10:15:30Z'))).toBe('261122101530000+');
  });
});

describe('canonicalSmppId', () => {
  it('makes hex ids case- and zero-insensitive, and reads decimal ids into the same hex', () => {
    expect(canonicalSmppId('000A1B')).toBe('a1b');
    expect(canonicalSmppId('a1b', 'hex')).toBe('a1b');
    expect(canonicalSmppId('2587', 'decimal')).toBe('a1b');
    expect(canonicalSmppId('0002587', 'decimal')).toBe('a1b');
    expect(canonicalSmppId(' 0000 ')).toBe('0');
    expect(canonicalSmppId('MSG-007')).toBe('msg-007');
    expect(canonicalSmppId(canonicalSmppId('98765432109876543210', 'decimal'))).toBe(
      canonicalSmppId('98765432109876543210', 'decimal'),
    );
  });
});
