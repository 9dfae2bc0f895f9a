import { DataCoding, EsmClass } from './constants';
import type { OptionalParams } from './pdu';
import { DATA_CODING_OF, encodeText, fits, packSeptets, TextEncoding, unitsOf } from './text';
import { concatenationUdh } from './udh';
import { encodeGsm7 } from '@smsgate/sms';

/** How a message too long for one submit_sm is sent. */
export type LongMessageMode = 'udh8' | 'udh16' | 'sar' | 'payload';

export interface PartsOptions {
  /** The encoding for text that fits it; anything else goes as UCS-2. */
  preferred: Exclude<TextEncoding, 'ucs2'>;
  longMessage: LongMessageMode;
  /** The concatenation reference shared by all parts (8 or 16 bits used by the mode). */
  reference: number;
}

/** One submit_sm's worth: the fields that differ between parts of one message. */
export interface SubmitPart {
  index: number;
  count: number;
  text: string;
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
  optional: OptionalParams;
}

// Units in one message without concatenation, and in each part with an 8-bit-reference header
// (6 octets) or a 16-bit one (7 octets): septets for GSM, octets for Latin-1/IA5, code units for UCS-2.
const LIMITS: Record<TextEncoding, { single: number; udh8: number; udh16: number }> = {
  gsm7: { single: 160, udh8: 153, udh16: 152 },
  gsm7_packed: { single: 160, udh8: 153, udh16: 152 },
  ia5: { single: 140, udh8: 134, udh16: 133 },
  latin1: { single: 140, udh8: 134, udh16: 133 },
  ucs2: { single: 70, udh8: 67, udh16: 66 },
};

export function chooseEncoding(text: string, preferred: PartsOptions['preferred']): TextEncoding {
  return fits(text, preferred) ? preferred : 'ucs2';
}

/**
 * Cuts text into chunks of at most `limit` units without splitting an escape pair or a surrogate
 * pair (each character goes whole into one chunk).
 */
export function chunkText(text: string, encoding: TextEncoding, limit: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let units = 0;
  for (const character of text) {
    const cost = unitsOf(character, encoding);
    if (cost === null) throw new RangeError(`text does not fit ${encoding}`);
    if (units + cost > limit) {
      chunks.push(current);
      current = '';
      units = 0;
    }
    current += character;
    units += cost;
  }
  chunks.push(current);
  return chunks;
}

/**
 * The submit_sm parts of one message: one when it fits, else parts that share `reference`, as UDH
 * (8- or 16-bit reference), SAR optional parameters, or the whole text in one message_payload.
 */
export function buildParts(text: string, options: PartsOptions): SubmitPart[] {
  const encoding = chooseEncoding(text, options.preferred);
  const dataCoding = encoding === 'ucs2' ? DataCoding.UCS2 : DATA_CODING_OF[encoding];
  const limits = LIMITS[encoding];
  // The whole text in one submit_sm: in short_message, or in message_payload when that is the mode.
  const whole = (shortMessage: Buffer, optional: SubmitPart['optional']): SubmitPart[] => [
    { index: 0, count: 1, text, dataCoding, esmClass: 0, shortMessage, optional },
  ];
  const single = chunkText(text, encoding, limits.single);
  if (single.length === 1) return whole(encodeText(text, encoding), {});
  if (options.longMessage === 'payload')
    return whole(Buffer.alloc(0), { messagePayload: encodeText(text, encoding) });
  const bits = options.longMessage === 'udh16' ? 16 : 8;
  const chunks = chunkText(text, encoding, options.longMessage === 'udh16' ? limits.udh16 : limits.udh8);
  const reference = options.reference & (bits === 16 || options.longMessage === 'sar' ? 0xffff : 0xff);
  return chunks.map((chunk, index) => {
    const part = { reference, total: chunks.length, sequence: index + 1 };
    if (options.longMessage === 'sar') {
      return {
        index,
        count: chunks.length,
        text: chunk,
        dataCoding,
        esmClass: 0,
        shortMessage: encodeText(chunk, encoding),
        optional: { sarMsgRefNum: reference, sarTotalSegments: part.total, sarSegmentSeqnum: part.sequence },
      };
    }
    const udh = concatenationUdh(part, bits);
    // Packed septets after a UDH start on a septet boundary: fill bits pad the header to one.
    const body =
      encoding === 'gsm7_packed'
        ? packSeptets(encodeGsm7(chunk), (7 - ((udh.length * 8) % 7)) % 7)
        : encodeText(chunk, encoding);
    return {
      index,
      count: chunks.length,
      text: chunk,
      dataCoding,
      esmClass: EsmClass.UDHI,
      shortMessage: Buffer.concat([udh, body]),
      optional: {},
    };
  });
}
