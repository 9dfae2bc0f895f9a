import { checksumOf, StxEtxFramer } from '@smsgate/smsc';

/**
 * UCP/EMI framing (CMG EMI-UCP interface 4.x): `STX TRN/LEN/O|R/OT/field/…/field/CHECKSUM ETX`.
 * TRN is the transaction reference (00–99), LEN the five-digit count of characters between STX and
 * ETX, OT the two-digit operation type; every field ends with `/`; the checksum is the sum of the
 * characters from TRN to the last `/`, modulo 256, as two upper-case hex digits.
 */

const STX = 0x02;
const ETX = 0x03;

export interface UcpFrame {
  trn: number;
  /** O: an operation (request); R: a result (answer). */
  kind: 'O' | 'R';
  ot: number;
  /** The fields between the header and the checksum, as written (empty string for an empty field). */
  fields: string[];
}

/** A frame that cannot be read: answered with a NACK (or dropped), never a crash. */
export class UcpDecodeError extends Error {
  constructor(
    reason: string,
    /** The TRN and OT, when the header could be read (so the NACK can name them). */
    readonly header?: { trn: number; kind: 'O' | 'R'; ot: number },
    /** EMI's error code for the NACK: 01 checksum, 02 syntax. */
    readonly code: 1 | 2 = 2,
  ) {
    super(reason);
    this.name = 'UcpDecodeError';
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export function encodeFrame(frame: UcpFrame): Buffer {
  if (!Number.isInteger(frame.trn) || frame.trn < 0 || frame.trn > 99)
    throw new RangeError(`TRN must be 00-99, not ${frame.trn}`);
  const data = frame.fields.map((field) => `${field}/`).join('');
  for (let index = 0; index < data.length; index += 1)
    if (data.charCodeAt(index) < 0x20) throw new RangeError('a UCP field must not hold control characters');
  // 14 characters of header (`TT/LLLLL/O/OT/`) and 2 of checksum around the fields.
  const length = data.length + 16;
  const body = `${pad(frame.trn, 2)}/${pad(length, 5)}/${frame.kind}/${pad(frame.ot, 2)}/${data}`;
  return Buffer.concat([
    Buffer.from([STX]),
    Buffer.from(body + checksumOf(body), 'latin1'),
    Buffer.from([ETX]),
  ]);
}

/** Reads the text between STX and ETX. Throws UcpDecodeError saying why it cannot. */
export function decodeFrame(text: string): UcpFrame {
  const header = /^(\d{2})\/(\d{5})\/([OR])\/(\d{2})\//.exec(text);
  if (!header) throw new UcpDecodeError(`not a UCP header: ${JSON.stringify(text.slice(0, 20))}`);
  const [, trn, length, kind, ot] = header;
  const head = { trn: Number(trn), kind: kind as 'O' | 'R', ot: Number(ot) };
  if (Number(length) !== text.length)
    throw new UcpDecodeError(`LEN says ${Number(length)} characters, the frame has ${text.length}`, head);
  const checksum = text.slice(-2);
  const body = text.slice(0, -2);
  if (!body.endsWith('/')) throw new UcpDecodeError('the last field does not end with /', head);
  if (!/^[0-9A-Fa-f]{2}$/.test(checksum) || checksumOf(body).toUpperCase() !== checksum.toUpperCase())
    throw new UcpDecodeError(`checksum ${checksum} does not match ${checksumOf(body)}`, head, 1);
  const fields = body.slice(header[0].length, -1).split('/');
  return { ...head, fields: body.length === header[0].length ? [] : fields };
}

/**
 * Cuts a byte stream into frames: what lies between STX and ETX, decoded. An unreadable frame comes out
 * as a UcpDecodeError in its place, so the caller can NACK it and go on with the next.
 */
export class UcpFramer extends StxEtxFramer<UcpFrame, UcpDecodeError> {
  constructor() {
    super(decodeFrame, (error) =>
      error instanceof UcpDecodeError ? error : new UcpDecodeError(String(error)),
    );
  }
}
