import { septetLength } from './gsm';
import { countSegments, detectEncoding, splitSegments, type Encoding } from './segments';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CYRILLIC = 'ж';
const EMOJI = '😀';

function unitsOf(part: string, encoding: Encoding): number {
  return encoding === 'gsm7' ? (septetLength(part) ?? Number.NaN) : part.length;
}

/** The invariants every split keeps, whatever the text. */
function expectConsistentSplit(text: string): string[] {
  const parts = splitSegments(text);
  const count = countSegments(text);
  expect(parts.join('')).toBe(text);
  expect(parts).toHaveLength(count.segments);
  const partUnits = parts.map((part) => unitsOf(part, count.encoding));
  expect(partUnits.reduce((sum, units) => sum + units, 0)).toBe(count.units);
  for (const units of partUnits) expect(units).toBeLessThanOrEqual(count.perSegment);
  expect(count.remainingInLast).toBe(count.perSegment - (partUnits.at(-1) ?? 0));
  const wellFormed = !LONE_SURROGATE.test(text);
  for (const part of parts) {
    if (wellFormed) expect(LONE_SURROGATE.test(part)).toBe(false);
    if (count.encoding === 'gsm7') expect(detectEncoding(part)).toBe('gsm7');
  }
  return parts;
}

describe('detectEncoding', () => {
  it.each<[string, Encoding]>([
    ['', 'gsm7'],
    ['Hello world', 'gsm7'],
    ['Price: €5 {x}', 'gsm7'],
    ['ΔΦΓΛΩΠΨΣΘΞ', 'gsm7'],
    ['Ça va', 'gsm7'],
    ['ça va', 'ucs2'],
    ['Привет', 'ucs2'],
    [`hi ${EMOJI}`, 'ucs2'],
    ['`code`', 'ucs2'],
  ])('reads %j as %s', (text, encoding) => {
    expect(detectEncoding(text)).toBe(encoding);
  });
});

describe('countSegments', () => {
  // Columns: what, text, then the count: encoding, segments, units, perSegment, remainingInLast.
  it.each([
    ['the empty text as one segment of nothing', '', 'gsm7', 1, 0, 160, 160],
    ['exactly 160 septets as one segment', 'a'.repeat(160), 'gsm7', 1, 160, 160, 0],
    ['161 septets as two segments of 153', 'a'.repeat(161), 'gsm7', 2, 161, 153, 145],
    ['70 code units as one segment', CYRILLIC.repeat(70), 'ucs2', 1, 70, 70, 0],
    ['71 code units as two segments of 67', CYRILLIC.repeat(71), 'ucs2', 2, 71, 67, 63],
  ])('counts %s', (_case, text, encoding, segments, units, perSegment, remainingInLast) => {
    expect(countSegments(text)).toEqual({ encoding, segments, units, perSegment, remainingInLast });
  });

  it('splits the empty text into one empty part', () => {
    expect(splitSegments('')).toEqual(['']);
  });

  describe('GSM-7', () => {
    it('fits 153 * 2 septets in two segments and needs three for one more', () => {
      expect(countSegments('a'.repeat(306))).toMatchObject({ segments: 2, remainingInLast: 0 });
      expect(countSegments('a'.repeat(307))).toMatchObject({ segments: 3, remainingInLast: 152 });
    });

    it('counts € and the other extension characters as two septets', () => {
      expect(countSegments('€')).toMatchObject({ encoding: 'gsm7', units: 2, remainingInLast: 158 });
      expect(countSegments('{}[]~^|\\\f')).toMatchObject({ units: 18 });
    });

    it('fits 158 characters and a € in one segment but not 159', () => {
      expect(countSegments(`${'a'.repeat(158)}€`)).toMatchObject({ segments: 1, units: 160 });
      expect(countSegments(`${'a'.repeat(159)}€`)).toMatchObject({ segments: 2, units: 161 });
    });

    it('counts Greek capitals and Ç as one septet each', () => {
      expect(countSegments('ΔΦΓΛΩΠΨΣΘΞÇ')).toMatchObject({ encoding: 'gsm7', units: 11 });
    });

    it('counts line breaks as one septet and a form feed as two', () => {
      expect(countSegments('a\r\nb')).toMatchObject({ units: 4 });
      expect(countSegments('a\fb')).toMatchObject({ units: 4 });
    });
  });

  describe('UCS-2', () => {
    it('fits 67 * 2 code units in two segments and needs three for one more', () => {
      expect(countSegments(CYRILLIC.repeat(134))).toMatchObject({ segments: 2, remainingInLast: 0 });
      expect(countSegments(CYRILLIC.repeat(135))).toMatchObject({ segments: 3, remainingInLast: 66 });
    });

    it('counts an emoji as two code units', () => {
      expect(countSegments(EMOJI)).toMatchObject({ encoding: 'ucs2', units: 2, remainingInLast: 68 });
      expect(countSegments(EMOJI.repeat(35))).toMatchObject({ segments: 1, units: 70 });
      expect(countSegments(EMOJI.repeat(36))).toMatchObject({ segments: 2, units: 72 });
    });

    it('switches the whole text to UCS-2 for one character outside GSM-7', () => {
      const text = `${'a'.repeat(100)}ç`;
      expect(countSegments(text)).toMatchObject({ encoding: 'ucs2', segments: 2, units: 101 });
      expect(countSegments('a'.repeat(101))).toMatchObject({ encoding: 'gsm7', segments: 1 });
    });

    it('counts an extension character as one code unit once the text is UCS-2', () => {
      expect(countSegments('€ж')).toMatchObject({ encoding: 'ucs2', units: 2 });
    });

    it('counts a lone surrogate as one code unit', () => {
      expect(countSegments('a\ud83d')).toMatchObject({ encoding: 'ucs2', units: 2 });
    });
  });
});

describe('splitSegments', () => {
  it('returns the text itself when it fits one segment', () => {
    const gsm = 'a'.repeat(160);
    const ucs2 = CYRILLIC.repeat(70);
    expect(splitSegments(gsm)).toEqual([gsm]);
    expect(splitSegments(ucs2)).toEqual([ucs2]);
    expect(splitSegments(`${'a'.repeat(158)}€`)).toEqual([`${'a'.repeat(158)}€`]);
  });

  describe('GSM-7', () => {
    it('splits into parts of 153 septets', () => {
      expect(splitSegments('a'.repeat(161))).toEqual(['a'.repeat(153), 'a'.repeat(8)]);
      expect(splitSegments('a'.repeat(307))).toEqual(['a'.repeat(153), 'a'.repeat(153), 'a']);
    });

    it('ends a part with an extension character that fills septets 152 and 153', () => {
      const text = `${'a'.repeat(151)}€${'b'.repeat(10)}`;
      expect(splitSegments(text)).toEqual([`${'a'.repeat(151)}€`, 'b'.repeat(10)]);
    });

    it('moves an extension character that would straddle septets 153 and 154 to the next part', () => {
      const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
      expect(splitSegments(text)).toEqual(['a'.repeat(152), `€${'b'.repeat(10)}`]);
      expect(countSegments(text)).toMatchObject({ segments: 2, units: 164, remainingInLast: 141 });
    });

    it('bills the extra segment a moved escape pair causes', () => {
      // 306 septets would fit two parts, but the € cannot be cut between them.
      const text = `${'a'.repeat(152)}€${'b'.repeat(152)}`;
      expect(splitSegments(text)).toEqual(['a'.repeat(152), `€${'b'.repeat(151)}`, 'b']);
      expect(countSegments(text)).toMatchObject({ segments: 3, units: 306, remainingInLast: 152 });
    });

    it('splits text made only of extension characters on pair boundaries', () => {
      const text = '€'.repeat(100);
      expect(splitSegments(text)).toEqual(['€'.repeat(76), '€'.repeat(24)]);
      expect(countSegments(text)).toMatchObject({ segments: 2, units: 200, remainingInLast: 105 });
    });
  });

  describe('UCS-2', () => {
    it('splits into parts of 67 code units', () => {
      expect(splitSegments(CYRILLIC.repeat(71))).toEqual([CYRILLIC.repeat(67), CYRILLIC.repeat(4)]);
    });

    it('ends a part with an emoji that fills code units 66 and 67', () => {
      const text = `${CYRILLIC.repeat(65)}${EMOJI}${CYRILLIC.repeat(10)}`;
      expect(splitSegments(text)).toEqual([`${CYRILLIC.repeat(65)}${EMOJI}`, CYRILLIC.repeat(10)]);
    });

    it('moves an emoji that would straddle code units 67 and 68 to the next part', () => {
      const text = `${CYRILLIC.repeat(66)}${EMOJI}${CYRILLIC.repeat(10)}`;
      expect(splitSegments(text)).toEqual([CYRILLIC.repeat(66), `${EMOJI}${CYRILLIC.repeat(10)}`]);
      expect(countSegments(text)).toMatchObject({ segments: 2, units: 78, remainingInLast: 55 });
    });

    it('splits text made only of emoji on pair boundaries', () => {
      expect(splitSegments(EMOJI.repeat(36))).toEqual([EMOJI.repeat(33), EMOJI.repeat(3)]);
    });

    it('splits mixed text that one character forced into UCS-2 by code units', () => {
      const text = `${'a'.repeat(100)}ç`;
      expect(splitSegments(text)).toEqual(['a'.repeat(67), `${'a'.repeat(33)}ç`]);
    });
  });

  it('keeps its invariants over many lengths and mixes', () => {
    const alphabets = ['a', 'a€', 'ab{c', CYRILLIC, `${CYRILLIC}${EMOJI}`, `a${EMOJI}b`, 'aç€'];
    for (const alphabet of alphabets) {
      const characters = [...alphabet];
      for (let length = 0; length <= 420; length += 7) {
        const text = Array.from({ length }, (_, index) => characters[index % characters.length]).join('');
        expectConsistentSplit(text);
      }
    }
  });
});
