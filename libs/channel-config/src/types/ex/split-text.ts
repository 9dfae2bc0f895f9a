const SPACE = /\s/;

/**
 * Splits text into parts of at most `maxLength` characters (code points, so a surrogate pair is
 * never cut), at the last whitespace that fits, as RapidPro's courier does for External API channels.
 * A word longer than a part is cut hard. Whitespace at the cuts is dropped.
 */
export function splitText(text: string, maxLength: number): string[] {
  const characters = [...text];
  if (characters.length <= maxLength) return [text];
  if (!/\S/.test(text)) return hardSplit(characters, maxLength);

  const parts: string[] = [];
  let start = 0;
  while (start < characters.length) {
    while (start < characters.length && SPACE.test(characters[start] ?? '')) start += 1;
    if (start >= characters.length) break;
    if (characters.length - start <= maxLength) {
      parts.push(characters.slice(start).join('').trimEnd());
      break;
    }
    let cut = start + maxLength;
    while (cut > start && !SPACE.test(characters[cut] ?? '')) cut -= 1;
    if (cut === start) cut = start + maxLength;
    parts.push(characters.slice(start, cut).join('').trimEnd());
    start = cut;
  }
  return parts;
}

function hardSplit(characters: string[], maxLength: number): string[] {
  const parts: string[] = [];
  for (let index = 0; index < characters.length; index += maxLength) {
    parts.push(characters.slice(index, index + maxLength).join(''));
  }
  return parts;
}
