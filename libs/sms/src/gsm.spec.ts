import { GSM7_ESCAPE, decodeGsm7, encodeGsm7, gsm7SeptetsOf, isGsm7, septetLength } from './gsm';

// 3GPP TS 23.038 §6.2.1, written as code points so that it does not share a string with the code.
// null marks 0x1B, the escape to the extension table.
const BASIC_CODE_POINTS: ReadonlyArray<number | null> = [
  ...[0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  ...[
    0x394,
    0x5f,
    0x3a6,
    0x393,
    0x39b,
    0x3a9,
    0x3a0,
    0x3a8,
    0x3a3,
    0x398,
    0x39e,
    null,
    0xc6,
    0xe6,
    0xdf,
    0xc9,
  ],
  ...[0x20, 0x21, 0x22, 0x23, 0xa4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f],
  ...[0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f],
  ...[0xa1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f],
  ...[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  ...[0xbf, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
  ...[0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
];

// TS 23.038 §6.2.1.1: septet after the escape, and the code point it stands for.
const EXTENSION_CODE_POINTS: ReadonlyArray<readonly [number, number]> = [
  [0x0a, 0x0c],
  [0x14, 0x5e],
  [0x28, 0x7b],
  [0x29, 0x7d],
  [0x2f, 0x5c],
  [0x3c, 0x5b],
  [0x3d, 0x7e],
  [0x3e, 0x5d],
  [0x40, 0x7c],
  [0x65, 0x20ac],
];

const basicEntries = BASIC_CODE_POINTS.flatMap((codePoint, septet) =>
  codePoint === null ? [] : [[septet, String.fromCodePoint(codePoint)] as const],
);
const extensionEntries = EXTENSION_CODE_POINTS.map(
  ([septet, codePoint]) => [septet, String.fromCodePoint(codePoint)] as const,
);

describe('GSM 03.38 tables', () => {
  it('lists 128 basic septets, one of them the escape', () => {
    expect(BASIC_CODE_POINTS).toHaveLength(128);
    expect(BASIC_CODE_POINTS[GSM7_ESCAPE]).toBeNull();
    expect(basicEntries).toHaveLength(127);
  });

  it.each(basicEntries)('encodes basic septet %i (%j) as one septet', (septet, character) => {
    expect(encodeGsm7(character)).toEqual([septet]);
    expect(gsm7SeptetsOf(character)).toBe(1);
    expect(decodeGsm7([septet])).toBe(character);
  });

  it.each(extensionEntries)('encodes extension septet %i (%j) as an escape pair', (septet, character) => {
    expect(encodeGsm7(character)).toEqual([GSM7_ESCAPE, septet]);
    expect(gsm7SeptetsOf(character)).toBe(2);
    expect(septetLength(character)).toBe(2);
    expect(decodeGsm7([GSM7_ESCAPE, septet])).toBe(character);
  });

  it('knows exactly the 137 characters of both tables and nothing else in the BMP', () => {
    let known = 0;
    for (let codePoint = 0; codePoint <= 0xffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      if (gsm7SeptetsOf(String.fromCharCode(codePoint)) !== null) known += 1;
    }
    expect(known).toBe(127 + 10);
  });

  it('places the characters people confuse where the standard does', () => {
    expect(encodeGsm7('@')).toEqual([0x00]);
    expect(encodeGsm7('$')).toEqual([0x02]);
    expect(encodeGsm7('Ç')).toEqual([0x09]);
    expect(encodeGsm7('_')).toEqual([0x11]);
    expect(encodeGsm7('¤')).toEqual([0x24]);
    expect(encodeGsm7('¡')).toEqual([0x40]);
    expect(encodeGsm7('§')).toEqual([0x5f]);
    expect(encodeGsm7('¿')).toEqual([0x60]);
    expect(encodeGsm7('à')).toEqual([0x7f]);
    expect(encodeGsm7('\n')).toEqual([0x0a]);
    expect(encodeGsm7('\r')).toEqual([0x0d]);
    expect(encodeGsm7('\f')).toEqual([GSM7_ESCAPE, 0x0a]);
  });

  it('has the Greek capitals that differ from Latin ones', () => {
    expect(encodeGsm7('ΔΦΓΛΩΠΨΣΘΞ')).toEqual([0x10, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a]);
  });
});

describe('isGsm7', () => {
  it('accepts plain text, the empty text and extension characters', () => {
    expect(isGsm7('Hello, world! 100% @home')).toBe(true);
    expect(isGsm7('')).toBe(true);
    expect(isGsm7('{[~^|€\\]}')).toBe(true);
  });

  it.each([
    ['lower-case c-cedilla', 'ç'],
    ['backtick', '`'],
    ['Greek small alpha', 'α'],
    ['Greek capital alpha (looks Latin)', 'Α'],
    ['ohm sign (looks like Ω)', '\u2126'],
    ['increment (looks like Δ)', '\u2206'],
    ['escape control character', '\u001b'],
    ['tab', '\t'],
    ['non-breaking space', '\u00a0'],
    ['curly apostrophe', '\u2019'],
    ['emoji', '😀'],
    ['lone surrogate', '\ud83d'],
    ['upper-case a-grave', 'À'],
  ])('rejects %s', (_name, character) => {
    expect(isGsm7(`ok ${character} ok`)).toBe(false);
  });
});

describe('septetLength', () => {
  it('counts one septet per basic character', () => {
    expect(septetLength('')).toBe(0);
    expect(septetLength('Hello')).toBe(5);
    expect(septetLength('Ça coûte 5£')).toBeNull();
    expect(septetLength('Ça va? 5£ Ø')).toBe(11);
  });

  it('counts two septets per extension character', () => {
    expect(septetLength('€5')).toBe(3);
    expect(septetLength('{x}')).toBe(5);
    expect(septetLength('a\fb')).toBe(4);
  });

  it('returns null for text outside the alphabet', () => {
    expect(septetLength('ç')).toBeNull();
    expect(septetLength('Hi 😀')).toBeNull();
  });

  it('agrees with the length of the encoding', () => {
    const text = 'Price: €10 {promo} [50%] ~ok~ ^_^ a|b \\o/ ΔΩ ÆØÅ';
    expect(septetLength(text)).toBe(encodeGsm7(text).length);
  });
});

describe('encodeGsm7', () => {
  it('encodes mixed text in order', () => {
    expect(encodeGsm7('A€{')).toEqual([0x41, GSM7_ESCAPE, 0x65, GSM7_ESCAPE, 0x28]);
    expect(encodeGsm7('')).toEqual([]);
  });

  it('throws for a character outside the alphabet, naming its code point', () => {
    expect(() => encodeGsm7('façade')).toThrow(RangeError);
    expect(() => encodeGsm7('façade')).toThrow('U+00E7');
    expect(() => encodeGsm7('hi 😀')).toThrow('U+1F600');
  });
});

describe('decodeGsm7', () => {
  it('round-trips every character of both tables', () => {
    const text = [...basicEntries, ...extensionEntries].map(([, character]) => character).join('');
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
  });

  it('reads an escape before a code without extension character as the basic character', () => {
    expect(decodeGsm7([GSM7_ESCAPE, 0x41])).toBe('A');
  });

  it('reads a doubled escape as a space', () => {
    expect(decodeGsm7([0x41, GSM7_ESCAPE, GSM7_ESCAPE, 0x42])).toBe('A B');
  });

  it('drops a trailing escape', () => {
    expect(decodeGsm7([0x41, GSM7_ESCAPE])).toBe('A');
  });

  it.each([[[128]], [[-1]], [[1.5]], [[0x41, Number.NaN]]])('throws for the non-septet in %j', (septets) => {
    expect(() => decodeGsm7(septets)).toThrow(RangeError);
  });

  it('throws for a non-septet after an escape', () => {
    expect(() => decodeGsm7([GSM7_ESCAPE, 0x80])).toThrow(RangeError);
  });
});
