import {
  alphanumericAddress,
  encodeXSer,
  gsmHex,
  iraHex,
  parseXSer,
  textOfAlphanumericAddress,
  textOfGsmHex,
  textOfIraHex,
  XSER_DCS,
  XSER_UDH,
} from './text';

describe('UCP text fields', () => {
  it('writes MT 3 text as GSM default alphabet octets in hex, extension characters escaped', () => {
    expect(gsmHex('A@')).toBe('4100');
    expect(gsmHex('€[')).toBe('1B651B3C');
    expect(textOfGsmHex('1B651B3C4100')).toBe('€[A@');
    const all = '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€';
    expect(textOfGsmHex(gsmHex(all))).toBe(all);
  });

  it('writes the login password as IRA hex', () => {
    expect(iraHex('Password')).toBe('50617373776F7264');
    expect(textOfIraHex('50617373776F7264')).toBe('Password');
  });

  it('packs an alphanumeric originator into septets after its semi-octet count', () => {
    // 7 characters: 49 bits = 13 semi-octets (0x0D), then the packed septets.
    const hex = alphanumericAddress('SMSGATE');
    expect(hex.slice(0, 2)).toBe('0D');
    expect(textOfAlphanumericAddress(hex)).toBe('SMSGATE');
    expect(textOfAlphanumericAddress(alphanumericAddress('Clinic-Kenya-2026'))).toBe('Clinic-Keny');
  });

  it('reads and writes XSer elements (UDH and DCS)', () => {
    const udh = Buffer.from([5, 0, 3, 0x2a, 2, 1]);
    const hex = encodeXSer([
      { type: XSER_UDH, data: udh },
      { type: XSER_DCS, data: Buffer.from([8]) },
    ]);
    expect(hex).toBe('01060500032A02010201' + '08');
    expect(parseXSer(hex)).toEqual([
      { type: XSER_UDH, data: udh },
      { type: XSER_DCS, data: Buffer.from([8]) },
    ]);
    expect(() => parseXSer('0105050003')).toThrow(RangeError);
  });
});
