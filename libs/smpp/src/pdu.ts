/** A TLV (optional parameter): tag and raw value. */
export interface Tlv {
  tag: number;
  value: Buffer;
}

/**
 * The optional parameters the gateway understands, decoded; anything else stays in `other` so it
 * can be logged or passed on.
 */
export interface OptionalParams {
  sarMsgRefNum?: number;
  sarTotalSegments?: number;
  sarSegmentSeqnum?: number;
  messagePayload?: Buffer;
  receiptedMessageId?: string;
  messageState?: number;
  networkErrorCode?: { type: number; code: number };
  userMessageReference?: number;
  scInterfaceVersion?: number;
  other?: Tlv[];
}

export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';
export type BindRespCommand = `${BindCommand}_resp`;

export interface Address {
  ton: number;
  npi: number;
  addr: string;
}

interface Header {
  status: number;
  sequence: number;
}

export interface BindPdu extends Header {
  command: BindCommand;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindRespPdu extends Header {
  command: BindRespCommand;
  systemId: string;
  optional: OptionalParams;
}

/** submit_sm and deliver_sm share one body (sections 4.4.1 and 4.6.1). */
export interface ShortMessagePdu extends Header {
  command: 'submit_sm' | 'deliver_sm';
  serviceType: string;
  source: Address;
  destination: Address;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresent: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  optional: OptionalParams;
}

export interface DataSmPdu extends Header {
  command: 'data_sm';
  serviceType: string;
  source: Address;
  destination: Address;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  optional: OptionalParams;
}

export interface MessageIdRespPdu extends Header {
  command: 'submit_sm_resp' | 'deliver_sm_resp' | 'data_sm_resp';
  messageId: string;
  optional: OptionalParams;
}

export interface EmptyPdu extends Header {
  command: 'enquire_link' | 'enquire_link_resp' | 'unbind' | 'unbind_resp' | 'generic_nack';
}

export type Pdu = BindPdu | BindRespPdu | ShortMessagePdu | DataSmPdu | MessageIdRespPdu | EmptyPdu;
export type PduCommand = Pdu['command'];

/** A PDU of a command this codec does not model: the session answers it with generic_nack. */
export interface UnknownPdu {
  command: 'unknown';
  commandId: number;
  status: number;
  sequence: number;
  body: Buffer;
}

/** Defaults for the submit_sm / deliver_sm fields a caller usually leaves alone. */
export function shortMessage(
  command: ShortMessagePdu['command'],
  fields: Partial<Omit<ShortMessagePdu, 'command'>> & Pick<ShortMessagePdu, 'source' | 'destination'>,
): ShortMessagePdu {
  return {
    command,
    status: 0,
    sequence: 0,
    serviceType: '',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresent: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    optional: {},
    ...fields,
  };
}
