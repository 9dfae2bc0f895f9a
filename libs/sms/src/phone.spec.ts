import { normalizePhone, toNoPlus, type PhoneResult } from './phone';

const e164 = (number: string): PhoneResult => ({ ok: true, e164: number, kind: 'e164' });
const shortCode = (digits: string): PhoneResult => ({ ok: true, e164: digits, kind: 'short_code' });
const rejected = (reason: string): PhoneResult => ({ ok: false, reason });

describe('normalizePhone', () => {
  describe('full numbers', () => {
    it.each<[string, string | undefined, string]>([
      ['+254712345678', undefined, '+254712345678'],
      ['+254712345678', 'KE', '+254712345678'],
      ['+254712345678', 'US', '+254712345678'],
      ['0712345678', 'KE', '+254712345678'],
      ['712345678', 'KE', '+254712345678'],
      ['00254712345678', undefined, '+254712345678'],
      ['00254712345678', 'KE', '+254712345678'],
      ['00 44 7911 123456', 'KE', '+447911123456'],
      ['+44 7911 123456', undefined, '+447911123456'],
      ['+1 (415) 555-2671', undefined, '+14155552671'],
      ['(415) 555-2671', 'US', '+14155552671'],
      ['+254 712-345-678', undefined, '+254712345678'],
      ['+254.712.345.678', undefined, '+254712345678'],
      ['(0712) 345 678', 'KE', '+254712345678'],
      ['  +254712345678\t', undefined, '+254712345678'],
      ['tel:+254712345678', undefined, '+254712345678'],
      ['TEL:0712345678', 'KE', '+254712345678'],
      ['tel: +254 712 345 678', undefined, '+254712345678'],
    ])('reads %j (default country %s) as %s', (raw, country, expected) => {
      expect(normalizePhone(raw, country)).toEqual(e164(expected));
    });

    it('reads digits with a country code but no plus as international when no default country is given', () => {
      expect(normalizePhone('254712345678')).toEqual(e164('+254712345678'));
      expect(normalizePhone('12125550100')).toEqual(e164('+12125550100'));
    });

    it('reads digits with the default country code but no plus as that country', () => {
      expect(normalizePhone('254712345678', 'KE')).toEqual(e164('+254712345678'));
    });

    it('falls back to international when the digits do not parse nationally', () => {
      expect(normalizePhone('254712345678', 'US')).toEqual(e164('+254712345678'));
      expect(normalizePhone('254712345678', 'GB')).toEqual(e164('+254712345678'));
      expect(normalizePhone('447911123456', 'KE')).toEqual(e164('+447911123456'));
    });

    it('prefers the national reading when it is a valid number', () => {
      expect(normalizePhone('2125550100', 'US')).toEqual(e164('+12125550100'));
    });

    it('accepts a possible number in a range the metadata does not know yet', () => {
      expect(normalizePhone('+254912345678')).toEqual(e164('+254912345678'));
      expect(normalizePhone('+1 999 555 1234')).toEqual(e164('+19995551234'));
    });

    it('accepts a lower-case or padded default country', () => {
      expect(normalizePhone('0712345678', 'ke')).toEqual(e164('+254712345678'));
      expect(normalizePhone('0712345678', ' KE ')).toEqual(e164('+254712345678'));
    });

    it('always yields E.164 for full numbers', () => {
      const inputs = ['+254712345678', '0712345678', '00254712345678', '254712345678', '+1 (415) 555-2671'];
      for (const raw of inputs) {
        const result = normalizePhone(raw, 'KE');
        expect(result.ok && result.kind === 'e164' && /^\+[1-9]\d{1,14}$/.test(result.e164)).toBe(true);
      }
    });
  });

  describe('short codes', () => {
    it.each<[string, string | undefined, string]>([
      ['22141', 'KE', '22141'],
      ['22141', undefined, '22141'],
      ['123', undefined, '123'],
      ['40404', 'US', '40404'],
      ['12345678', 'KE', '12345678'],
      [' 22 141 ', 'KE', '22141'],
      ['tel:22141', 'KE', '22141'],
    ])('keeps %j (default country %s) as short code %s', (raw, country, expected) => {
      expect(normalizePhone(raw, country)).toEqual(shortCode(expected));
    });

    it('does not take a valid national number of short-code length for a short code', () => {
      // 8-digit Danish numbers are full subscriber numbers.
      expect(normalizePhone('32121212', 'DK')).toEqual(e164('+4532121212'));
    });

    it('does not take fewer than 3 or more than 8 digits for a short code', () => {
      expect(normalizePhone('12', 'KE')).toEqual(rejected('impossible number'));
      expect(normalizePhone('123456789')).toEqual(rejected('impossible number'));
    });

    it('does not take a number written with a plus or 00 for a short code', () => {
      expect(normalizePhone('+22141')).toEqual(rejected('impossible number'));
      expect(normalizePhone('0022141')).toEqual(rejected('impossible number'));
    });
  });

  describe('rejections', () => {
    it.each<[string, string | undefined, string]>([
      ['', undefined, 'empty number'],
      ['   ', 'KE', 'empty number'],
      ['tel:', undefined, 'empty number'],
      ['abc', undefined, 'not a phone number'],
      ['0712abc678', 'KE', 'not a phone number'],
      ['1-800-FLOWERS', 'US', 'not a phone number'],
      ['+254712345678 ext. 12', undefined, 'not a phone number'],
      ['++254712345678', undefined, 'not a phone number'],
      ['254+712345678', undefined, 'not a phone number'],
      ['+', undefined, 'not a phone number'],
      ['( ) -', undefined, 'not a phone number'],
      ['+2547', undefined, 'impossible number'],
      ['+999123456789', undefined, 'impossible number'],
      ['+25471234567890123', undefined, 'impossible number'],
      ['0712345678', undefined, 'impossible number'],
      ['1234567890123456789', 'KE', 'impossible number'],
    ])('rejects %j (default country %s) as %s', (raw, country, reason) => {
      expect(normalizePhone(raw, country)).toEqual(rejected(reason));
    });

    it('rejects an unknown default country', () => {
      expect(normalizePhone('0712345678', 'XX')).toEqual(rejected('unknown default country'));
      expect(normalizePhone('0712345678', 'KEN')).toEqual(rejected('unknown default country'));
    });

    it('gives short lower-case reasons', () => {
      for (const raw of ['', 'abc', '+2547']) {
        const result = normalizePhone(raw);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(/^[a-z ]+$/);
      }
    });
  });
});

describe('toNoPlus', () => {
  it('drops the leading plus', () => {
    expect(toNoPlus('+254712345678')).toBe('254712345678');
  });

  it('leaves a number without a plus as it is', () => {
    expect(toNoPlus('22141')).toBe('22141');
    expect(toNoPlus('254712345678')).toBe('254712345678');
  });
});
