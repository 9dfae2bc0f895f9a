import { normalizePhone } from '@smsgate/sms';
import { textField } from './request-fields';

export type ExReceive =
  | { ok: true; from: string; text: string; sentAt?: Date }
  | { ok: false; reason: string };

const MAX_TEXT = 20_000;
// RFC 3339 / ISO 8601 date-time; seconds, fraction and zone optional (no zone = UTC).
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseIsoDate(raw: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(raw.trim());
  if (!match) return undefined;
  const [, day, hm, seconds = '00', fraction = '', zone = 'Z'] = match;
  const [year, month, dayOfMonth] = day.split('-').map(Number);
  const [hour, minute] = hm.split(':').map(Number);
  // Date would roll 2026-02-30 over into March; RFC 3339 allows neither that nor hour 24.
  const calendar = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== dayOfMonth) return undefined;
  if (hour > 23 || minute > 59 || Number(seconds) > 59) return undefined;
  const ms = (fraction + '000').slice(0, 3);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return storableDate(new Date(`${day}T${hm}:${seconds}.${ms}${offset}`));
}

/**
 * The date when events can carry it (a 4-digit year in UTC: 9999-12-31T23:00-05:00 is in year 10000),
 * else undefined, as for a date that does not parse.
 */
export function storableDate(date: Date): Date | undefined {
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : undefined;
}

/**
 * Reads RapidPro External API channel receive fields: `from` (or `sender`), `text`, and an optional
 * `date` (or `time`) in RFC 3339. The sender is normalised with the channel's country.
 */
export function parseExReceive(fields: Record<string, unknown>, country: string | null): ExReceive {
  const rawFrom = textField(fields, 'from', 'sender');
  if (rawFrom === undefined || rawFrom.trim() === '')
    return { ok: false, reason: "missing required field 'from'" };
  const phone = normalizePhone(rawFrom, country ?? undefined);
  if (!phone.ok) return { ok: false, reason: `invalid 'from' number: ${phone.reason}` };
  const text = textField(fields, 'text') ?? '';
  if (text.length > MAX_TEXT) return { ok: false, reason: `'text' is longer than ${MAX_TEXT} characters` };
  const rawDate = textField(fields, 'date', 'time');
  if (rawDate === undefined || rawDate.trim() === '') return { ok: true, from: phone.e164, text };
  const sentAt = parseIsoDate(rawDate);
  if (!sentAt)
    return {
      ok: false,
      reason: `invalid date '${rawDate.slice(0, 40)}': expected RFC 3339, e.g. 2026-11-22T10:15:00Z`,
    };
  return { ok: true, from: phone.e164, text, sentAt };
}
