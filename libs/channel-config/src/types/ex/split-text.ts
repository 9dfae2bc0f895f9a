/** How close to the limit a space must come to end a part there, as courier's SplitText has it. */
const SPACE_WINDOW = 6;
const BREAK = /^[ \n]$/;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * Splits text into parts of at most `maxLength` UTF-8 bytes, as RapidPro's courier measures an External
 * API channel's `max_length` (Go's `len`): 160 means 160 ASCII characters, 53 Amharic or 40 emoji. Like
 * courier, a part ends at the limit or at a space within 6 bytes of it, and is trimmed. Unlike courier,
 * which cuts between code points and lets a part run past the limit when a multibyte character straddles it,
 * a part never exceeds the limit and never cuts a grapheme (an emoji sequence, a Devanagari syllable), and a
 * line break ends a part as a space does; parts left empty by trimming are not sent.
 */
export function splitText(text: string, maxLength: number): string[] {
  if (byteLength(text) <= maxLength) return [text];
  if (!/\S/.test(text)) return hardSplit([...text], maxLength);

  const parts: string[] = [];
  let part = '';
  let bytes = 0;
  const flush = () => {
    const trimmed = part.trim();
    if (trimmed !== '') parts.push(trimmed);
    part = '';
    bytes = 0;
  };
  for (const { segment } of graphemes.segment(text)) {
    const size = byteLength(segment);
    // A grapheme longer than a part (a long emoji sequence, a small max_length) is cut between code points.
    const units = size > maxLength ? [...segment] : [segment];
    for (const unit of units) {
      const unitSize = units.length === 1 ? size : byteLength(unit);
      if (bytes > 0 && bytes + unitSize > maxLength) flush();
      part += unit;
      bytes += unitSize;
      if (bytes >= maxLength || (bytes > maxLength - SPACE_WINDOW && BREAK.test(unit))) flush();
    }
  }
  flush();
  return parts;
}

/** Text of whitespace only, which trimming would lose: cut at the limit as it is. */
function hardSplit(characters: string[], maxLength: number): string[] {
  const parts: string[] = [];
  let part = '';
  for (const character of characters) {
    if (part !== '' && byteLength(part + character) > maxLength) {
      parts.push(part);
      part = '';
    }
    part += character;
  }
  if (part !== '') parts.push(part);
  return parts;
}
