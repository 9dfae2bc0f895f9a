/** How an SMSC writes its message ids: hexadecimal or decimal digits. */
export type MessageIdFormat = 'hex' | 'decimal';

/**
 * The canonical form of an SMPP message id, shared by smpp-binds (which publishes ids from
 * submit_sm_resp and receipts) and dlr-tracker (which matches them): SMSCs write the same id in
 * different case, zero-padding or even base (`0A1B` in submit_sm_resp, `2587` in the receipt text).
 *
 * Numeric ids become lower-case hexadecimal without leading zeros, reading the digits in `format`;
 * anything else is only trimmed and lower-cased. Applying it to its own output changes nothing when
 * the format is `hex`, which is what dlr-tracker does.
 */
export function canonicalSmppId(id: string, format: MessageIdFormat = 'hex'): string {
  const trimmed = id.trim().toLowerCase();
  const numeric = format === 'hex' ? /^[0-9a-f]+$/.test(trimmed) : /^[0-9]+$/.test(trimmed);
  if (!numeric) return trimmed;
  if (format === 'hex') return trimmed.replace(/^0+(?=.)/, '');
  return BigInt(trimmed).toString(16);
}
