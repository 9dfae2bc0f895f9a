import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from '@smsgate/sms';
import { octetsOfHex } from '@smsgate/smsc';

const hexOf = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('hex').toUpperCase();

/**
 * AMsg for MT 3: the text in the GSM default alphabet, one septet value per octet (extension
 * characters as 1B and their code), each octet as two hex digits. The text must be GSM-encodable.
 */
export const gsmHex = (text: string): string => hexOf(encodeGsm7(text));

export const textOfGsmHex = (hex: string): string => decodeGsm7([...octetsOfHex(hex)]);

/** The password of operation 60: its characters' codes (IRA / Latin-1) as hex digits. */
export const iraHex = (text: string): string => Buffer.from(text, 'latin1').toString('hex').toUpperCase();

export const textOfIraHex = (hex: string): string => octetsOfHex(hex).toString('latin1');

/** An alphanumeric OAdC holds at most 11 characters. */
export const MAX_ALPHANUMERIC = 11;

/**
 * An alphanumeric originator (OTOA 5039): the characters as GSM septets packed 8 into 7 octets,
 * after one octet giving the number of useful semi-octets, all as hex digits.
 */
export function alphanumericAddress(text: string): string {
  const septets: number[] = [];
  for (const character of text) {
    const code = encodeGsm7(character);
    if (septets.length + code.length > MAX_ALPHANUMERIC) break;
    septets.push(...code);
  }
  const packed = packSeptets(septets);
  return hexOf([Math.floor((septets.length * 7 + 3) / 4), ...packed]);
}

export function textOfAlphanumericAddress(hex: string): string {
  const octets = octetsOfHex(hex);
  if (octets.length === 0) return '';
  const count = Math.floor((octets[0] * 4) / 7);
  return decodeGsm7(unpackSeptets(octets.subarray(1), count));
}

/** An XSer element: type, then its data (the length octet is written from it). */
export interface XSer {
  type: number;
  data: Buffer;
}

export const XSER_UDH = 0x01;
export const XSER_DCS = 0x02;

export function encodeXSer(elements: readonly XSer[]): string {
  return elements
    .map(({ type, data }) => hexOf([type, data.length]) + data.toString('hex').toUpperCase())
    .join('');
}

/** The XSer field's elements; throws on a field that is not whole type-length-data triples. */
export function parseXSer(hex: string): XSer[] {
  const octets = octetsOfHex(hex);
  const elements: XSer[] = [];
  for (let at = 0; at < octets.length; ) {
    if (at + 2 > octets.length) throw new RangeError('XSer ends inside an element header');
    const type = octets[at];
    const length = octets[at + 1];
    if (at + 2 + length > octets.length) throw new RangeError(`XSer element ${type} is cut short`);
    elements.push({ type, data: octets.subarray(at + 2, at + 2 + length) });
    at += 2 + length;
  }
  return elements;
}
