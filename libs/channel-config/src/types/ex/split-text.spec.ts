import { splitText } from './split-text';

describe('splitText', () => {
  it('returns text that fits as it is, whitespace included', () => {
    expect(splitText(' hello ', 7)).toEqual([' hello ']);
    expect(splitText('', 160)).toEqual(['']);
  });

  it('cuts at the last space that fits and drops the spaces at the cut', () => {
    expect(splitText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(splitText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('aaaa   bbbb', 6)).toEqual(['aaaa', 'bbbb']);
  });

  it('cuts at a line break too', () => {
    expect(splitText('first line\nsecond', 12)).toEqual(['first line', 'second']);
  });

  it('cuts a word longer than a part hard', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('hi abcdefghij yo', 5)).toEqual(['hi', 'abcde', 'fghij', 'yo']);
  });

  it('counts characters, never cutting an emoji in half', () => {
    expect(splitText('😀😀😀', 2)).toEqual(['😀😀', '😀']);
  });

  it('keeps every non-space character in order', () => {
    const text = Array.from({ length: 80 }, (_, index) => `w${index}`.repeat((index % 5) + 1)).join(' ');
    for (const max of [7, 10, 33, 160]) {
      const parts = splitText(text, max);
      for (const part of parts) expect([...part].length).toBeLessThanOrEqual(max);
      expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('splits text made of spaces only hard rather than losing it', () => {
    expect(splitText('     ', 2)).toEqual(['  ', '  ', ' ']);
  });
});
