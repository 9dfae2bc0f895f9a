// RFC 3339 / ISO 8601 date-time; seconds, fraction and zone optional (no zone = UTC).
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A date a provider writes in a request, or undefined when it is not RFC 3339 or cannot be stored. */
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
