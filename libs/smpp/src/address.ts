import type { Address } from './pdu';

export const Ton = {
  UNKNOWN: 0,
  INTERNATIONAL: 1,
  NATIONAL: 2,
  NETWORK_SPECIFIC: 3,
  ALPHANUMERIC: 5,
} as const;
export const Npi = { UNKNOWN: 0, ISDN: 1 } as const;

/**
 * TON/NPI for an address by its look, unless configured: `+` and digits (or 9+ digits) → 1/1 with
 * the plus stripped; a short code (3–8 digits) → 3/0; anything with letters → 5/0 (alphanumeric
 * sender such as `VF-XYZBK`).
 */
export function addressFor(value: string, configured: { ton?: number; npi?: number } = {}): Address {
  const compact = value.trim();
  const digits = compact.replace(/^\+/, '');
  let detected: Address;
  if (/^\+\d+$/.test(compact) || /^\d{9,}$/.test(compact)) {
    detected = { ton: Ton.INTERNATIONAL, npi: Npi.ISDN, addr: digits };
  } else if (/^\d{1,8}$/.test(compact)) {
    detected = { ton: Ton.NETWORK_SPECIFIC, npi: Npi.UNKNOWN, addr: compact };
  } else {
    detected = { ton: Ton.ALPHANUMERIC, npi: Npi.UNKNOWN, addr: compact };
  }
  return { ton: configured.ton ?? detected.ton, npi: configured.npi ?? detected.npi, addr: detected.addr };
}

/** A received address as smsgate writes numbers: `+` and digits for international, else as given. */
export function readAddress(address: Address): string {
  const addr = address.addr.trim();
  if (address.ton === Ton.INTERNATIONAL && /^\d+$/.test(addr)) return `+${addr}`;
  return addr;
}

/**
 * SMPP absolute time `YYMMDDhhmmss000+` (UTC, tenths 0) for validity_period / schedule_delivery_time.
 */
export function smppAbsoluteTime(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    '000+'
  );
}

/**
 * Reads an SMPP 3.4 time (§7.1.1): absolute `YYMMDDhhmmsstnnp` (local time `nn` quarter hours ahead of
 * UTC with `+`, behind with `-`) or relative `YYMMDDhhmmss000R` (from `now`). Undefined for '' (none);
 * 'invalid' for anything else that is not one.
 */
export function parseSmppTime(value: string, now = new Date()): Date | undefined | 'invalid' {
  if (value === '') return undefined;
  const match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([+\-R])$/.exec(value);
  if (!match) return 'invalid';
  const [yy, mo, dd, hh, mi, ss, tenths, nn] = match.slice(1, 9).map(Number);
  const sign = match[9];
  if (sign === 'R') {
    const at = new Date(now.getTime());
    at.setUTCFullYear(at.getUTCFullYear() + yy, at.getUTCMonth() + mo, at.getUTCDate() + dd);
    at.setTime(at.getTime() + ((hh * 60 + mi) * 60 + ss) * 1_000);
    return at;
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48) return 'invalid';
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, tenths * 100);
  const check = new Date(local);
  if (check.getUTCDate() !== dd) return 'invalid';
  const offset = nn * 15 * 60_000 * (sign === '+' ? 1 : -1);
  return new Date(local - offset);
}
