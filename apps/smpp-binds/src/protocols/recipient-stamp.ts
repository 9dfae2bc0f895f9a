import { decodeText } from '@smsgate/smpp';

/**
 * UCP/EMI and CIMD2 name a submitted message by its recipient and the SMSC's time stamp of it (`AdC:SCTS`
 * in a UCP ACK, destination and 060 in a CIMD2 answer), and so do their receipts. The id receipts are
 * matched by keeps the recipient's digits only, without `+` or leading zeros: the answer repeats the
 * number as sent, the receipt gives it as the SMSC writes it.
 */
export function recipientStampId(recipient: string, stamp: string): string {
  return `${recipient.replace(/\D/g, '').replace(/^0+/, '')}:${stamp}`;
}

/** A submit answer's `recipient:stamp` as recipientStampId writes it (anything else, trimmed). */
export function recipientStampIdOf(answer: string): string {
  const at = answer.lastIndexOf(':');
  return at < 0 || at === answer.length - 1
    ? answer.trim()
    : recipientStampId(answer.slice(0, at), answer.slice(at + 1));
}

/** A number written with the international prefix 00, as E.164 (`+`); anything else as it is. */
export const e164OfPrefixed = (number: string): string =>
  /^00\d{6,}$/.test(number) ? `+${number.slice(2)}` : number;

/** The text of binary user data by its data coding scheme (absent: 8-bit, read as Latin-1). */
export const textOfData = (data: Buffer, dcs: number | undefined): string => decodeText(data, dcs ?? 0x04);
