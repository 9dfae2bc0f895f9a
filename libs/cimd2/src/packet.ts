import { checksumOf, StxEtxFramer } from '@smsgate/smsc';

/**
 * CIMD2 packets (Nokia CIMD 2): `STX OO:NNN TAB (PPP:value TAB)* [CC] ETX`. OO is the operation code,
 * NNN the packet number (odd from the client, even from the SMSC; a response repeats its request's),
 * PPP a parameter code; the optional checksum CC is the sum of every byte from STX to the last TAB,
 * modulo 256, as two upper-case hex digits. Values are ISO-8859-1 text.
 */

const TAB = '\t';

export interface CimdPacket {
  op: number;
  seq: number;
  /** Parameters in order: [code, value]. */
  params: [number, string][];
}

/** A packet that cannot be read: NACKed (or dropped), never a crash. */
export class CimdDecodeError extends Error {
  constructor(
    reason: string,
    /** The operation and packet number, when the header could be read. */
    readonly header?: { op: number; seq: number },
  ) {
    super(reason);
    this.name = 'CimdDecodeError';
  }
}

/** The first value of a parameter. */
export const paramOf = (packet: CimdPacket, code: number): string | undefined =>
  packet.params.find(([candidate]) => candidate === code)?.[1];

export function encodePacket(packet: CimdPacket, checksum = true): Buffer {
  if (!Number.isInteger(packet.seq) || packet.seq < 0 || packet.seq > 255)
    throw new RangeError(`packet number must be 0-255, not ${packet.seq}`);
  let body = `\u0002${String(packet.op).padStart(2, '0')}:${String(packet.seq).padStart(3, '0')}${TAB}`;
  for (const [code, value] of packet.params) {
    for (let index = 0; index < value.length; index += 1) {
      const unit = value.charCodeAt(index);
      if (unit < 0x20 && unit !== 0x0a && unit !== 0x0d)
        throw new RangeError('a CIMD2 value must not hold control characters');
      if (unit > 0xff) throw new RangeError('a CIMD2 value is ISO-8859-1');
    }
    body += `${String(code).padStart(3, '0')}:${value}${TAB}`;
  }
  return Buffer.from(`${body}${checksum ? checksumOf(body) : ''}\u0003`, 'latin1');
}

/** Reads what lies between STX and ETX (exclusive). Throws CimdDecodeError saying why it cannot. */
export function decodePacket(inner: string): CimdPacket {
  const header = /^(\d{2}):(\d{3})\t/.exec(inner);
  if (!header) throw new CimdDecodeError(`not a CIMD2 header: ${JSON.stringify(inner.slice(0, 12))}`);
  const head = { op: Number(header[1]), seq: Number(header[2]) };
  const lastTab = inner.lastIndexOf(TAB);
  const trailer = inner.slice(lastTab + 1);
  if (trailer !== '') {
    if (!/^[0-9A-Fa-f]{2}$/.test(trailer))
      throw new CimdDecodeError(`bad checksum field ${JSON.stringify(trailer)}`, head);
    const expected = checksumOf(`\u0002${inner.slice(0, lastTab + 1)}`);
    if (expected !== trailer.toUpperCase())
      throw new CimdDecodeError(`checksum ${trailer} does not match ${expected}`, head);
  }
  const params: [number, string][] = [];
  const body = inner.slice(header[0].length, lastTab);
  if (body.length > 0)
    for (const field of body.split(TAB)) {
      const match = /^(\d{3}):([\s\S]*)$/.exec(field);
      if (!match)
        throw new CimdDecodeError(`parameter ${JSON.stringify(field.slice(0, 12))} is not PPP:value`, head);
      params.push([Number(match[1]), match[2]]);
    }
  return { ...head, params };
}

/**
 * Cuts a byte stream into packets: the bytes between STX and ETX, decoded. Bytes outside a packet are
 * skipped (the specification says to ignore them); an unreadable packet comes out as a
 * CimdDecodeError in its place.
 */
export class CimdFramer extends StxEtxFramer<CimdPacket, CimdDecodeError> {
  constructor() {
    super(decodePacket, (error) =>
      error instanceof CimdDecodeError ? error : new CimdDecodeError(String(error)),
    );
  }
}
