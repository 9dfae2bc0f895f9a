import { splitText } from './split-text';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('splitText', () => {
  // courier's handlers/split_test.go and handlers/external/handler_test.go, case for case.
  it.each<[string, number, string[]]>([
    ['', 160, ['']],
    ['Simple message', 160, ['Simple message']],
    [' ', 20, [' ']],
    ['This is a message longer than 10', 20, ['This is a message', 'longer than 10']],
    ['This is a message   longer than 10', 20, ['This is a message', 'longer than 10']],
    ['This is a message longer than 10', 25, ['This is a message longer', 'than 10']],
    [
      'This is a long message that will be longer than 30....... characters',
      30,
      ['This is a long message that', 'will be longer than 30.......', 'characters'],
    ],
  ])('splits %j at %i as courier does', (text, max, parts) => {
    expect(splitText(text, max)).toEqual(parts);
  });

  it('returns text that fits as it is, whitespace included', () => {
    expect(splitText(' hello ', 7)).toEqual([' hello ']);
  });

  it('ends a part at a space only within 6 bytes of the limit, else cuts at the limit', () => {
    expect(splitText('the quick brown fox', 10)).toEqual(['the quick', 'brown', 'fox']);
    expect(splitText('aaaa bbbb cccc', 9)).toEqual(['aaaa', 'bbbb', 'cccc']);
    expect(splitText('ab cdefghijklmnop', 10)).toEqual(['ab cdefghi', 'jklmnop']);
  });

  it('ends a part at a line break as at a space', () => {
    // Courier would send 'abc\ndefg' and 'h'.
    expect(splitText('abc\ndefgh', 8)).toEqual(['abc', 'defgh']);
  });

  it('cuts a word longer than a part hard', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('hi abcdefghij yo', 5)).toEqual(['hi', 'abcde', 'fghij', 'yo']);
  });

  it('measures UTF-8 bytes, as courier does: 160 holds 40 emoji', () => {
    const emoji = '😀'.repeat(100);
    const parts = splitText(emoji, 160);
    expect(parts.map((part) => [...part].length)).toEqual([40, 40, 20]);
    expect(splitText('😀😀😀', 8)).toEqual(['😀😀', '😀']);
  });

  it('never lets a part of Amharic run past the limit, where courier’s would', () => {
    // 3 bytes a character: courier's part never equals 160 and only a space ends it.
    const amharic = 'ሰላም ለሁሉም ሰው እንዴት ናችሁ ዛሬ ጥሩ ቀን ነው '.repeat(8).trim();
    const parts = splitText(amharic, 160);
    for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(160);
    expect(parts.join(' ')).toBe(amharic);
    expect(splitText('ሀ'.repeat(60), 160).map((part) => [...part].length)).toEqual([53, 7]);
  });

  it('never cuts a Hindi syllable or an emoji sequence', () => {
    const hindi = 'नमस्ते'.repeat(20);
    for (let max = 12; max <= 40; max++) {
      const parts = splitText(hindi, max);
      for (const part of parts) {
        expect(bytes(part)).toBeLessThanOrEqual(max);
        expect(part).not.toMatch(/^\p{M}/u);
      }
      expect(parts.join('')).toBe(hindi);
    }
    const family = '👨‍👩‍👧';
    expect(splitText(`${family}${family}`, 20)).toEqual([family, family]);
  });

  it('keeps every non-space character in order', () => {
    const text = Array.from({ length: 80 }, (_, index) => `w${index}ñ`.repeat((index % 5) + 1)).join(' ');
    for (const max of [7, 10, 33, 160]) {
      const parts = splitText(text, max);
      for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(max);
      expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('splits text made of spaces only hard rather than losing it', () => {
    expect(splitText('     ', 2)).toEqual(['  ', '  ', ' ']);
  });
});
