import { isGsm7 } from './gsm';
import { replaceGsm7Substitutions, smartEncode } from './smart-encoding';

describe('smart encoding', () => {
  it("sends courier's own test text as GSM: curly quotes become straight ones", () => {
    expect(smartEncode('Fancy “Smart” Quotes')).toBe('Fancy "Smart" Quotes');
  });

  it.each([
    ['‘single’ and “double” quotes', `'single' and "double" quotes`],
    ['en – and em — dashes', 'en - and em - dashes'],
    ['wait…', 'wait...'],
    ['São Tomé, Açores, Ñandú', 'Sao Tomé, Acores, Ñandu'],
    ['ÀÈÌÒÙ ÁÍÓÚ ÂÊÎÔÛ ÃÕ', 'AEIOU AIOU AEIOU AO'],
    ['no\u00a0break\tand tab', 'no break and tab'],
    ['«guillemets»', '"guillemets"'],
  ])('replaces %j with its closest GSM form', (text, gsm) => {
    expect(smartEncode(text)).toBe(gsm);
    expect(isGsm7(smartEncode(text))).toBe(true);
  });

  it('keeps what GSM 03.38 has, Ç and the extension table included', () => {
    const gsm = 'Ça {ok} [x] ~^|\\ 5€ èéùìò ÄÖÑÜ äöñüà';
    expect(replaceGsm7Substitutions(gsm)).toBe(gsm);
    expect(smartEncode(`${gsm} coûte`)).toBe(`${gsm} coute`);
  });

  it('leaves text unchanged when substitutions cannot make it all GSM, as courier does', () => {
    expect(smartEncode('“Hi” 😀')).toBe('“Hi” 😀');
    expect(smartEncode('ሰላም – “ጤና”')).toBe('ሰላም – “ጤና”');
    expect(smartEncode('नमस्ते…')).toBe('नमस्ते…');
  });

  it('returns GSM text as it is', () => {
    const text = 'Love is patient. Love is kind.';
    expect(smartEncode(text)).toBe(text);
    expect(smartEncode('')).toBe('');
  });
});
