import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';

export type PhoneKind = 'e164' | 'short_code';

export type PhoneResult = { ok: true; e164: string; kind: PhoneKind } | { ok: false; reason: string };

const SHORT_CODE_DIGITS = /^\d{3,8}$/;
const ALLOWED_CHARACTERS = /^\+?[\d\s().-]*$/;
const SEPARATORS = /[\s().-]/g;

/**
 * Normalises a number as people type it (`+254 712 345678`, `0712345678`, `00254…`, `tel:…`) to
 * E.164. Pure digit strings of 3 to 8 digits that are no valid number are short codes and keep
 * their digits without a plus. `defaultCountry` (ISO 3166 alpha-2) decides how national numbers
 * without a country code are read.
 */
export function normalizePhone(raw: string, defaultCountry?: string): PhoneResult {
  const text = raw.trim().replace(/^tel:/i, '').trim();
  if (text === '') return { ok: false, reason: 'empty number' };
  if (!ALLOWED_CHARACTERS.test(text)) return { ok: false, reason: 'not a phone number' };

  const compact = text.replace(SEPARATORS, '');
  const digits = compact.replace(/^\+/, '');
  if (digits === '') return { ok: false, reason: 'not a phone number' };

  let country: CountryCode | undefined;
  if (defaultCountry !== undefined) {
    const upper = defaultCountry.trim().toUpperCase();
    if (!isSupportedCountry(upper)) return { ok: false, reason: 'unknown default country' };
    country = upper;
  }

  const hasPlus = compact.startsWith('+');
  if (hasPlus || digits.startsWith('00')) {
    const international = parseInternational(hasPlus ? digits : digits.slice(2));
    return international !== undefined && international.isPossible()
      ? { ok: true, e164: international.number, kind: 'e164' }
      : { ok: false, reason: 'impossible number' };
  }

  const candidates = [parseNational(digits, country), parseInternational(digits)].filter(
    (candidate): candidate is PhoneNumber => candidate !== undefined,
  );
  const valid = candidates.find((candidate) => candidate.isValid());
  if (valid === undefined && SHORT_CODE_DIGITS.test(digits)) {
    return { ok: true, e164: digits, kind: 'short_code' };
  }
  // Acceptance needs only a possible length, not a known range: metadata lags behind operators
  // opening new ranges, and rejecting a real subscriber costs more than one failed delivery.
  const accepted = valid ?? candidates.find((candidate) => candidate.isPossible());
  return accepted === undefined
    ? { ok: false, reason: 'impossible number' }
    : { ok: true, e164: accepted.number, kind: 'e164' };
}

/**
 * The national significant number of an E.164 number, without country code or trunk prefix
 * (+250788383383 → 788383383), as RapidPro's `use_national` sends it; anything else as it is.
 */
export function nationalNumberOf(e164: string): string {
  if (!e164.startsWith('+')) return e164;
  return parsePhoneNumberFromString(e164, { extract: false })?.nationalNumber ?? e164;
}

/** The E.164 number without its leading plus, as many SMPP peers want addresses. */
export function toNoPlus(e164: string): string {
  return e164.startsWith('+') ? e164.slice(1) : e164;
}

function parseNational(digits: string, country: CountryCode | undefined): PhoneNumber | undefined {
  if (country === undefined) return undefined;
  return parsePhoneNumberFromString(digits, { defaultCountry: country, extract: false });
}

function parseInternational(digitsAfterPrefix: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(`+${digitsAfterPrefix}`, { extract: false });
}

/** Whether `code` is an ISO 3166 alpha-2 country we have numbering data for. */
export const isKnownCountry = (code: string): boolean => isSupportedCountry(code.toUpperCase());

/** The country a number belongs to (ISO 3166 alpha-2), when its numbering plan says. */
export function countryOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}
