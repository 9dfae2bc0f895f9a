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
