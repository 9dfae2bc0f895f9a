import { Tags } from './constants';
import type { OptionalParams, Tlv } from './pdu';

type Known = Exclude<keyof OptionalParams, 'other'>;

/** How one optional parameter is read and written; `length` where SMPP 3.4 fixes its size. */
interface TlvCodec<V> {
  length?: number;
  read(value: Buffer): V;
  write(value: V): Buffer;
}

interface TlvField<V> extends TlvCodec<V> {
  tag: number;
  name: string;
}

const u8: TlvCodec<number> = { length: 1, read: (value) => value[0], write: (value) => Buffer.from([value]) };
const u16: TlvCodec<number> = {
  length: 2,
  read: (value) => value.readUInt16BE(0),
  write: (value) => {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16BE(value & 0xffff, 0);
    return buffer;
  },
};
const field = <V>(name: keyof typeof Tags, codec: TlvCodec<V>): TlvField<V> => ({
  tag: Tags[name],
  name,
  ...codec,
});

/** Each optional parameter the codec knows, in the order they are written: one layout for both directions. */
const FIELDS: { [K in Known]-?: TlvField<NonNullable<OptionalParams[K]>> } = {
  userMessageReference: field('user_message_reference', u16),
  sarMsgRefNum: field('sar_msg_ref_num', u16),
  sarTotalSegments: field('sar_total_segments', u8),
  sarSegmentSeqnum: field('sar_segment_seqnum', u8),
  scInterfaceVersion: field('sc_interface_version', u8),
  receiptedMessageId: field('receipted_message_id', {
    // A C-Octet string; some SMSCs leave out the NUL, which costs nothing to tolerate.
    read: (value) => {
      const nul = value.indexOf(0);
      return value.toString('latin1', 0, nul < 0 ? value.length : nul);
    },
    write: (value) => Buffer.from(`${value}\0`, 'latin1'),
  }),
  messageState: field('message_state', u8),
  networkErrorCode: field('network_error_code', {
    length: 3,
    read: (value) => ({ type: value[0], code: value.readUInt16BE(1) }),
    write: ({ type, code }) => {
      const value = Buffer.alloc(3);
      value[0] = type;
      value.writeUInt16BE(code & 0xffff, 1);
      return value;
    },
  }),
  messagePayload: field('message_payload', { read: (value) => value, write: (value) => value }),
};

const ENTRIES = Object.entries(FIELDS) as [Known, TlvField<unknown>][];
const BY_TAG = new Map(ENTRIES.map(([key, tlv]) => [tlv.tag, { key, tlv }]));

/** The optional parameters of a PDU body; unknown tags are kept, in order, in `other`. */
export function readOptionalParams(tlvs: Tlv[]): OptionalParams {
  const params: Record<string, unknown> = {};
  const other: Tlv[] = [];
  for (const tlv of tlvs) {
    const known = BY_TAG.get(tlv.tag);
    if (!known) {
      other.push(tlv);
      continue;
    }
    const { length, name } = known.tlv;
    if (length !== undefined && tlv.value.length !== length)
      throw new Error(`${name} must be ${length} octets`);
    params[known.key] = known.tlv.read(tlv.value);
  }
  if (other.length > 0) params.other = other;
  return params as OptionalParams;
}

/** Hands `write` the tag and value of each optional parameter set in `params`, known ones first, in order. */
export function writeOptionalParams(
  params: OptionalParams,
  write: (tag: number, value: Buffer) => void,
): void {
  for (const [key, tlv] of ENTRIES) {
    const value = params[key];
    if (value !== undefined) write(tlv.tag, tlv.write(value));
  }
  for (const other of params.other ?? []) write(other.tag, other.value);
}
