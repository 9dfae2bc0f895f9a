import { decodeGsm7, encodeGsm7, gsm7SeptetsOf, packSeptets, unpackSeptets } from '@smsgate/sms';

/** The GSM septet packing lives in libs/sms (UCP's alphanumeric addresses use it too). */
export { packSeptets, unpackSeptets };
import { DataCoding } from './constants';

/**
 * How text goes into short_message. GSM 03.38 travels one septet per octet by default (what SMSCs
 * expect over SMPP); `gsm7_packed` packs eight septets into seven octets for SMSCs that want that.
 */
export type TextEncoding = 'gsm7' | 'gsm7_packed' | 'ia5' | 'latin1' | 'ucs2';

export const DATA_CODING_OF: Record<TextEncoding, number> = {
  gsm7: DataCoding.SMSC_DEFAULT,
  gsm7_packed: DataCoding.SMSC_DEFAULT,
  ia5: DataCoding.IA5,
  latin1: DataCoding.LATIN1,
  ucs2: DataCoding.UCS2,
};

/** Units a character costs in the encoding (septets, octets or UTF-16 code units), null if it cannot. */
export function unitsOf(character: string, encoding: TextEncoding): number | null {
  switch (encoding) {
    case 'gsm7':
    case 'gsm7_packed':
      return gsm7SeptetsOf(character);
    case 'ia5':
      return character.length === 1 && character.charCodeAt(0) < 0x80 ? 1 : null;
    case 'latin1':
      return character.length === 1 && character.charCodeAt(0) < 0x100 ? 1 : null;
    case 'ucs2':
      return character.length;
  }
}

export function fits(text: string, encoding: TextEncoding): boolean {
  for (const character of text) if (unitsOf(character, encoding) === null) return false;
  return true;
}

/** The octets of `text` in `encoding`; the text must fit it (see `fits`). */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'gsm7':
      return Buffer.from(encodeGsm7(text));
    case 'gsm7_packed':
      return packSeptets(encodeGsm7(text));
    case 'ia5':
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'ucs2':
      return Buffer.from(text, 'utf16le').swap16();
  }
}

/**
 * Text of a received short_message by its data_coding. Binary and codings we do not speak come back
 * as Latin-1 so nothing is dropped; an odd UCS-2 length loses only its last half character.
 */
export function decodeText(octets: Buffer, dataCoding: number): string {
  switch (alphabetOf(dataCoding)) {
    case 'gsm7':
      return decodeGsm7([...octets].map((octet) => octet & 0x7f));
    case 'ucs2': {
      const even = Buffer.from(octets.subarray(0, octets.length - (octets.length % 2)));
      return even.swap16().toString('utf16le');
    }
    case 'latin1':
      return octets.toString('latin1');
  }
}

const GENERAL_ALPHABETS = ['gsm7', 'latin1', 'ucs2', 'latin1'] as const;

function alphabetOf(dataCoding: number): 'gsm7' | 'ucs2' | 'latin1' {
  const coding = dataCoding & 0xff;
  if (coding === DataCoding.SMSC_DEFAULT) return 'gsm7';
  if (coding === DataCoding.UCS2) return 'ucs2';
  if (coding < 0x10) return 'latin1';
  // TS 23.038 coding groups: general (00xx) and message waiting / class (1111) name the alphabet.
  if (coding < 0x40) return GENERAL_ALPHABETS[(coding >> 2) & 0x03];
  if ((coding & 0xf0) === 0xf0) return coding & 0x04 ? 'latin1' : 'gsm7';
  if ((coding & 0xf0) === 0xe0) return 'ucs2';
  return 'latin1';
}
