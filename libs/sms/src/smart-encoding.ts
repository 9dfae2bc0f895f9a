import { isGsm7 } from './gsm';

/**
 * Characters outside GSM 03.38 that word processors and phones put in text, and the GSM text that
 * stands for each. It holds every substitution of RapidPro courier's smart encoding (its
 * `gsm7.ReplaceSubstitutions`: accented capitals and the accents GSM lacks, curly quotes, the en dash,
 * the no-break space and the tab) except `Ç`, which GSM has; and also the ellipsis, other dashes and
 * spaces, guillemets, low quotes and primes, which courier leaves as they are.
 */
const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  á: 'a',
  â: 'a',
  ã: 'a',
  ç: 'c',
  ê: 'e',
  ë: 'e',
  í: 'i',
  î: 'i',
  ï: 'i',
  ó: 'o',
  ô: 'o',
  õ: 'o',
  ú: 'u',
  û: 'u',
  ý: 'y',
  ÿ: 'y',
  Á: 'A',
  Â: 'A',
  Ã: 'A',
  À: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Í: 'I',
  Î: 'I',
  Ì: 'I',
  Ï: 'I',
  Ó: 'O',
  Ô: 'O',
  Ò: 'O',
  Õ: 'O',
  Ú: 'U',
  Ù: 'U',
  Û: 'U',
  Ý: 'Y',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\t': ' ',
};

const SUBSTITUTABLE = new RegExp(`[${Object.keys(SUBSTITUTIONS).join('')}]`, 'gu');

/** The text with every character of the substitution table replaced by its GSM stand-in. */
export function replaceGsm7Substitutions(text: string): string {
  return text.replace(SUBSTITUTABLE, (character) => SUBSTITUTIONS[character] ?? character);
}

/**
 * Courier's smart encoding (`encoding` S): the substituted text when that makes it all GSM 03.38, so it
 * goes out as GSM-7 (160 characters a message rather than 70); otherwise the text unchanged, since a
 * message that stays UCS-2 costs the same and loses nothing.
 */
export function smartEncode(text: string): string {
  if (isGsm7(text)) return text;
  const replaced = replaceGsm7Substitutions(text);
  return isGsm7(replaced) ? replaced : text;
}
