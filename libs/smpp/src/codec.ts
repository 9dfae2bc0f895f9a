import { COMMAND_NAMES, CommandIds } from './constants';
import { readOptionalParams, writeOptionalParams } from './optional-params';
import type {
  Address,
  BindPdu,
  DataSmPdu,
  MessageIdRespPdu,
  OptionalParams,
  Pdu,
  ShortMessagePdu,
  Tlv,
  UnknownPdu,
} from './pdu';

export const HEADER_LENGTH = 16;
/** Larger than any PDU the gateway handles (message_payload is at most 64 KiB); bigger is a broken stream. */
export const MAX_PDU_LENGTH = 70_000;

/**
 * Bytes that are no valid PDU. `sequence` and `commandId` are set when the header was readable, so
 * the session can answer with generic_nack; `fatal` means the stream lost its framing and the
 * connection has to be closed.
 */
export class SmppDecodeError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
    readonly commandId?: number,
    readonly sequence?: number,
  ) {
    super(message);
    this.name = 'SmppDecodeError';
  }
}

/** A PDU that cannot be written (a field longer than SMPP allows). */
export class SmppEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmppEncodeError';
  }
}

// ---------------------------------------------------------------- reading

class Reader {
  private offset = 0;

  constructor(private readonly body: Buffer) {}

  get remaining(): number {
    return this.body.length - this.offset;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.body[this.offset++];
  }

  /** A NUL-terminated string of at most `max` octets including the NUL. */
  cString(field: string, max: number): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new Error(`${field} is not NUL-terminated`);
    if (end - this.offset + 1 > max) throw new Error(`${field} is longer than ${max - 1} octets`);
    const value = this.body.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  bytes(field: string, length: number): Buffer {
    this.need(length, field);
    const value = Buffer.from(this.body.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  tlvs(): Tlv[] {
    const tlvs: Tlv[] = [];
    while (this.remaining > 0) {
      if (this.remaining < 4) throw new Error('truncated optional parameter header');
      const tag = this.body.readUInt16BE(this.offset);
      const length = this.body.readUInt16BE(this.offset + 2);
      this.offset += 4;
      tlvs.push({ tag, value: this.bytes(`optional parameter 0x${tag.toString(16)}`, length) });
    }
    return tlvs;
  }

  private need(length: number, field: string): void {
    if (this.remaining < length) throw new Error(`${field} runs past the end of the PDU`);
  }
}

const address = (reader: Reader, name: string, max: number): Address => ({
  ton: reader.u8(`${name}_ton`),
  npi: reader.u8(`${name}_npi`),
  addr: reader.cString(name, max),
});

/** A response's one C-Octet string and its optional parameters; a body left out reads as '' and none. */
function idAndOptionals(
  reader: Reader,
  field: string,
  max: number,
): { id: string; optional: OptionalParams } {
  if (reader.remaining === 0) return { id: '', optional: {} };
  return { id: reader.cString(field, max), optional: readOptionalParams(reader.tlvs()) };
}

/** The command_length of the PDU at the start of `bytes`, or undefined until 4 octets are there. */
export function peekLength(bytes: Buffer): number | undefined {
  return bytes.length < 4 ? undefined : bytes.readUInt32BE(0);
}

/**
 * Decodes one whole PDU (command_length octets). Throws only SmppDecodeError: anything the peer
 * sends, however broken, becomes a typed error the session can answer.
 */
export function decodePdu(bytes: Buffer): Pdu | UnknownPdu {
  if (bytes.length < HEADER_LENGTH) {
    throw new SmppDecodeError(`PDU of ${bytes.length} octets is shorter than its header`, true);
  }
  const length = bytes.readUInt32BE(0);
  const commandId = bytes.readUInt32BE(4);
  const status = bytes.readUInt32BE(8);
  const sequence = bytes.readUInt32BE(12);
  if (length !== bytes.length) {
    throw new SmppDecodeError(`command_length ${length} but ${bytes.length} octets given`, true);
  }
  const body = bytes.subarray(HEADER_LENGTH);
  const command = COMMAND_NAMES.get(commandId);
  if (command === undefined)
    return { command: 'unknown', commandId, status, sequence, body: Buffer.from(body) };
  try {
    return decodeBody(command, status, sequence, body);
  } catch (error) {
    throw new SmppDecodeError(`invalid ${command}: ${(error as Error).message}`, false, commandId, sequence);
  }
}

function decodeBody(command: Pdu['command'], status: number, sequence: number, body: Buffer): Pdu {
  const reader = new Reader(body);
  const header = { status, sequence };
  const done = <T extends Pdu>(pdu: T): T => {
    if (reader.remaining > 0) throw new Error(`${reader.remaining} unexpected trailing octets`);
    return pdu;
  };
  switch (command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return done<BindPdu>({
        command,
        ...header,
        systemId: reader.cString('system_id', 16),
        password: reader.cString('password', 9),
        systemType: reader.cString('system_type', 13),
        interfaceVersion: reader.u8('interface_version'),
        addrTon: reader.u8('addr_ton'),
        addrNpi: reader.u8('addr_npi'),
        addressRange: reader.cString('address_range', 41),
      });
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp': {
      // An SMSC refusing a bind may send the header alone.
      const { id, optional } = idAndOptionals(reader, 'system_id', 16);
      return { command, ...header, systemId: id, optional };
    }
    case 'submit_sm':
    case 'deliver_sm': {
      const fields = {
        serviceType: reader.cString('service_type', 6),
        source: address(reader, 'source_addr', 21),
        destination: address(reader, 'destination_addr', 21),
        esmClass: reader.u8('esm_class'),
        protocolId: reader.u8('protocol_id'),
        priorityFlag: reader.u8('priority_flag'),
        scheduleDeliveryTime: reader.cString('schedule_delivery_time', 17),
        validityPeriod: reader.cString('validity_period', 17),
        registeredDelivery: reader.u8('registered_delivery'),
        replaceIfPresent: reader.u8('replace_if_present_flag'),
        dataCoding: reader.u8('data_coding'),
        smDefaultMsgId: reader.u8('sm_default_msg_id'),
      };
      const smLength = reader.u8('sm_length');
      const shortMessage = reader.bytes('short_message', smLength);
      return {
        command,
        ...header,
        ...fields,
        shortMessage,
        optional: readOptionalParams(reader.tlvs()),
      } satisfies ShortMessagePdu;
    }
    case 'data_sm':
      return {
        command,
        ...header,
        serviceType: reader.cString('service_type', 6),
        source: address(reader, 'source_addr', 65),
        destination: address(reader, 'destination_addr', 65),
        esmClass: reader.u8('esm_class'),
        registeredDelivery: reader.u8('registered_delivery'),
        dataCoding: reader.u8('data_coding'),
        optional: readOptionalParams(reader.tlvs()),
      } satisfies DataSmPdu;
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp': {
      // Error responses carry no body; some SMSCs (Kannel's drive_smpp) leave it out on success too.
      const { id, optional } = idAndOptionals(reader, 'message_id', 65);
      return { command, ...header, messageId: id, optional } satisfies MessageIdRespPdu;
    }
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      return done({ command, ...header });
  }
}

// ---------------------------------------------------------------- writing

class Writer {
  private readonly chunks: Buffer[] = [];

  u8(value: number): this {
    this.chunks.push(Buffer.from([value & 0xff]));
    return this;
  }

  cString(field: string, value: string, max: number): this {
    const bytes = Buffer.from(value, 'latin1');
    if (bytes.length + 1 > max) throw new SmppEncodeError(`${field} is longer than ${max - 1} octets`);
    if (bytes.includes(0)) throw new SmppEncodeError(`${field} contains a NUL`);
    this.chunks.push(bytes, Buffer.from([0]));
    return this;
  }

  bytes(value: Buffer): this {
    this.chunks.push(value);
    return this;
  }

  address(name: string, address: Address, max: number): this {
    return this.u8(address.ton).u8(address.npi).cString(name, address.addr, max);
  }

  optional(params: OptionalParams): this {
    writeOptionalParams(params, (tag, value) => {
      if (value.length > 0xffff)
        throw new SmppEncodeError(`optional parameter 0x${tag.toString(16)} is too long`);
      const head = Buffer.alloc(4);
      head.writeUInt16BE(tag, 0);
      head.writeUInt16BE(value.length, 2);
      this.chunks.push(head, value);
    });
    return this;
  }

  finish(commandId: number, status: number, sequence: number): Buffer {
    const body = Buffer.concat(this.chunks);
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt32BE(HEADER_LENGTH + body.length, 0);
    header.writeUInt32BE(commandId >>> 0, 4);
    header.writeUInt32BE(status >>> 0, 8);
    header.writeUInt32BE(sequence >>> 0, 12);
    return Buffer.concat([header, body]);
  }
}

/** The bytes of one PDU; throws SmppEncodeError when a field does not fit. */
export function encodePdu(pdu: Pdu): Buffer {
  const writer = new Writer();
  switch (pdu.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      writer
        .cString('system_id', pdu.systemId, 16)
        .cString('password', pdu.password, 9)
        .cString('system_type', pdu.systemType, 13)
        .u8(pdu.interfaceVersion)
        .u8(pdu.addrTon)
        .u8(pdu.addrNpi)
        .cString('address_range', pdu.addressRange, 41);
      break;
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      writer.cString('system_id', pdu.systemId, 16).optional(pdu.optional);
      break;
    case 'submit_sm':
    case 'deliver_sm':
      if (pdu.shortMessage.length > 254) throw new SmppEncodeError('short_message is longer than 254 octets');
      writer
        .cString('service_type', pdu.serviceType, 6)
        .address('source_addr', pdu.source, 21)
        .address('destination_addr', pdu.destination, 21)
        .u8(pdu.esmClass)
        .u8(pdu.protocolId)
        .u8(pdu.priorityFlag)
        .cString('schedule_delivery_time', pdu.scheduleDeliveryTime, 17)
        .cString('validity_period', pdu.validityPeriod, 17)
        .u8(pdu.registeredDelivery)
        .u8(pdu.replaceIfPresent)
        .u8(pdu.dataCoding)
        .u8(pdu.smDefaultMsgId)
        .u8(pdu.shortMessage.length)
        .bytes(pdu.shortMessage)
        .optional(pdu.optional);
      break;
    case 'data_sm':
      writer
        .cString('service_type', pdu.serviceType, 6)
        .address('source_addr', pdu.source, 65)
        .address('destination_addr', pdu.destination, 65)
        .u8(pdu.esmClass)
        .u8(pdu.registeredDelivery)
        .u8(pdu.dataCoding)
        .optional(pdu.optional);
      break;
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      // SMPP 3.4 §4.4.2: an error response carries the header alone.
      if (pdu.status === 0 || pdu.command === 'deliver_sm_resp') {
        writer.cString('message_id', pdu.messageId, 65).optional(pdu.optional);
      }
      break;
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      break;
  }
  return writer.finish(CommandIds[pdu.command], pdu.status, pdu.sequence);
}

/**
 * Cuts a TCP byte stream into PDUs. `push` returns the complete PDUs received so far; a
 * command_length outside 16..MAX_PDU_LENGTH throws a fatal SmppDecodeError (framing is lost).
 */
export class PduFramer {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const length = peekLength(this.buffered);
      if (length === undefined) break;
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        throw new SmppDecodeError(
          `command_length ${length} is outside ${HEADER_LENGTH}..${MAX_PDU_LENGTH}`,
          true,
        );
      }
      if (this.buffered.length < length) break;
      frames.push(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
    }
    return frames;
  }
}

export type { UnknownPdu };
