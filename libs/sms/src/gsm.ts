/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table. National language
 * shift tables are not supported: SMSCs seldom honour them, so such text goes out as UCS-2.
 */

/** Septet that switches the next septet to the extension table. */
export const GSM7_ESCAPE = 0x1b;

// Indexed by septet value. 0x1B is the escape and stands for no character of its own.
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

const EXTENSION_TABLE: ReadonlyArray<readonly [septet: number, character: string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const BASIC_SEPTET_BY_CHARACTER: ReadonlyMap<string, number> = new Map(
  [...BASIC_TABLE]
    .map((character, septet) => [character, septet] as const)
    .filter(([, septet]) => septet !== GSM7_ESCAPE),
);
const EXTENSION_SEPTET_BY_CHARACTER: ReadonlyMap<string, number> = new Map(
  EXTENSION_TABLE.map(([septet, character]) => [character, septet] as const),
);
const EXTENSION_CHARACTER_BY_SEPTET: ReadonlyMap<number, string> = new Map(EXTENSION_TABLE);

/** Septets one character takes: 1 in the basic table, 2 in the extension table, null if neither. */
export function gsm7SeptetsOf(character: string): 1 | 2 | null {
  if (BASIC_SEPTET_BY_CHARACTER.has(character)) return 1;
  if (EXTENSION_SEPTET_BY_CHARACTER.has(character)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  return septetLength(text) !== null;
}

/**
 * Septets the text takes in the GSM 7-bit default alphabet, counting extension characters twice.
 * Returns null rather than throwing for text outside the alphabet: callers use it to choose
 * between GSM-7 and UCS-2, so non-GSM text is an expected answer, not an error.
 */
export function septetLength(text: string): number | null {
  let septets = 0;
  for (const character of text) {
    const cost = gsm7SeptetsOf(character);
    if (cost === null) return null;
    septets += cost;
  }
  return septets;
}

/**
 * Unpacked septet values (0–127), an extension character as the pair [0x1B, code].
 * Throws a RangeError for a character outside the alphabet: an encoder that dropped or replaced
 * it would send a different message than the one accepted.
 */
export function encodeGsm7(text: string): number[] {
  const septets: number[] = [];
  for (const character of text) {
    const basic = BASIC_SEPTET_BY_CHARACTER.get(character);
    if (basic !== undefined) {
      septets.push(basic);
      continue;
    }
    const extension = EXTENSION_SEPTET_BY_CHARACTER.get(character);
    if (extension === undefined) {
      throw new RangeError(`not in the GSM 7-bit alphabet: U+${codePointHex(character)}`);
    }
    septets.push(GSM7_ESCAPE, extension);
  }
  return septets;
}

/**
 * Text of unpacked septet values, as received in a GSM-7 deliver_sm. An escape before a code the
 * extension table lacks yields the basic table's character and a doubled escape a space, as
 * TS 23.038 tells receivers to display them; a trailing escape has nothing to extend and is dropped.
 */
export function decodeGsm7(septets: readonly number[]): string {
  let text = '';
  for (let index = 0; index < septets.length; index += 1) {
    const septet = septetAt(septets, index);
    if (septet !== GSM7_ESCAPE) {
      text += BASIC_TABLE.charAt(septet);
      continue;
    }
    if (index + 1 >= septets.length) break;
    index += 1;
    const code = septetAt(septets, index);
    text +=
      code === GSM7_ESCAPE ? ' ' : (EXTENSION_CHARACTER_BY_SEPTET.get(code) ?? BASIC_TABLE.charAt(code));
  }
  return text;
}

function septetAt(septets: readonly number[], index: number): number {
  const septet = septets[index];
  if (septet === undefined || !Number.isInteger(septet) || septet < 0 || septet > 0x7f) {
    throw new RangeError(`not a septet at index ${index}: ${String(septet)}`);
  }
  return septet;
}

function codePointHex(character: string): string {
  return (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** Packs septets 8 into 7 octets, least significant bits first (TS 23.038 §6.1.2.1.1). */
export function packSeptets(septets: readonly number[], fillBits = 0): Buffer {
  const out: number[] = [];
  let accumulator = 0;
  let bits = fillBits;
  for (const septet of septets) {
    accumulator |= (septet & 0x7f) << bits;
    bits += 7;
    while (bits >= 8) {
      out.push(accumulator & 0xff);
      accumulator >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out.push(accumulator & 0xff);
  return Buffer.from(out);
}

export function unpackSeptets(octets: Buffer, count: number, fillBits = 0): number[] {
  const septets: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const bit = fillBits + index * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    if (byte >= octets.length) break;
    const low = octets[byte] >> shift;
    const high = shift > 1 && byte + 1 < octets.length ? octets[byte + 1] << (8 - shift) : 0;
    septets.push((low | high) & 0x7f);
  }
  return septets;
}
