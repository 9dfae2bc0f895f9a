import { decodeGsm7, encodeGsm7 } from '@smsgate/sms';

/**
 * CIMD2's user data (parameter 033): the GSM default alphabet written in the lower half of ISO-8859-1.
 * A GSM character whose code is an ASCII character's stands for itself, `$` for GSM's dollar; the rest
 * are `_` and two characters (the table below). `@`, `]` and `}` read as GSM's @, Å and å; bytes over
 * 0x7F read as their ISO-8859-1 characters.
 */
const ESCAPES: readonly (readonly [string, number])[] = [
  ['Oa', 0x00], // @
  ['L-', 0x01], // £
  ['Y-', 0x03], // ¥
  ['e`', 0x04], // è
  ["e'", 0x05], // é
  ['u`', 0x06], // ù
  ['i`', 0x07], // ì
  ['o`', 0x08], // ò
  ['C,', 0x09], // Ç
  ['O/', 0x0b], // Ø
  ['o/', 0x0c], // ø
  ['A*', 0x0e], // Å
  ['a*', 0x0f], // å
  ['gd', 0x10], // Δ
  ['--', 0x11], // _
  ['gf', 0x12], // Φ
  ['gg', 0x13], // Γ
  ['gl', 0x14], // Λ
  ['go', 0x15], // Ω
  ['gp', 0x16], // Π
  ['gi', 0x17], // Ψ
  ['gs', 0x18], // Σ
  ['gt', 0x19], // Θ
  ['gx', 0x1a], // Ξ
  ['XX', 0x1b], // escape to the extension table
  ['AE', 0x1c], // Æ
  ['ae', 0x1d], // æ
  ['ss', 0x1e], // ß
  ["E'", 0x1f], // É
  ['qq', 0x22], // "
  ['ox', 0x24], // ¤
  ['!!', 0x40], // ¡
  ['A"', 0x5b], // Ä
  ['O"', 0x5c], // Ö
  ['N~', 0x5d], // Ñ
  ['U"', 0x5e], // Ü
  ['so', 0x5f], // §
  ['??', 0x60], // ¿
  ['a"', 0x7b], // ä
  ['o"', 0x7c], // ö
  ['n~', 0x7d], // ñ
  ['u"', 0x7e], // ü
  ['a`', 0x7f], // à
];

const ESCAPE_OF = new Map(ESCAPES.map(([pair, septet]) => [septet, `_${pair}`]));
const SEPTET_OF = new Map(ESCAPES.map(([pair, septet]) => [pair, septet]));
/** Single characters that do not stand for the GSM character of their own code. */
const SINGLE: ReadonlyMap<string, number> = new Map([
  ['@', 0x00],
  ['$', 0x02],
  [']', 0x0e],
  ['}', 0x0f],
]);

/** Text as parameter 033 writes it; the text must be GSM-encodable. */
export function cimdUserData(text: string): string {
  let out = '';
  for (const septet of encodeGsm7(text))
    out += ESCAPE_OF.get(septet) ?? (septet === 0x02 ? '$' : String.fromCharCode(septet));
  return out;
}

/** Parameter 033 as text. */
export function textOfCimdUserData(value: string): string {
  let out = '';
  let septets: number[] = [];
  const flush = () => {
    out += decodeGsm7(septets);
    septets = [];
  };
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index];
    const code = value.charCodeAt(index);
    const escaped = character === '_' ? SEPTET_OF.get(value.slice(index + 1, index + 3)) : undefined;
    if (escaped !== undefined) {
      septets.push(escaped);
      index += 2;
    } else if (SINGLE.has(character)) septets.push(SINGLE.get(character)!);
    else if (code > 0x7f) {
      flush();
      out += character;
    } else septets.push(code);
  }
  flush();
  return out;
}
