import { Status } from './constants';
import { Pdu, shortMessage } from './pdu';

export const SAMPLE_BIND: Pdu = {
  command: 'bind_transceiver',
  status: 0,
  sequence: 1,
  systemId: 'smsgate',
  password: 'secret',
  systemType: '',
  interfaceVersion: 0x34,
  addrTon: 0,
  addrNpi: 0,
  addressRange: '',
};

/** Every modelled PDU: the codec spec round-trips them, and the fuzz spec mutates them. */
export const SAMPLE_PDUS: Pdu[] = [
  SAMPLE_BIND,
  {
    command: 'bind_transmitter_resp',
    status: 0,
    sequence: 2,
    systemId: 'SMSC',
    optional: { scInterfaceVersion: 0x34 },
  },
  shortMessage('submit_sm', {
    sequence: 9,
    source: { ton: 5, npi: 0, addr: 'VF-XYZBK' },
    destination: { ton: 1, npi: 1, addr: '254712345678' },
    esmClass: 0x40,
    registeredDelivery: 1,
    dataCoding: 8,
    validityPeriod: '261122101500000+',
    shortMessage: Buffer.from([5, 0, 3, 1, 2, 1, 0, 0x41]),
    optional: {
      sarMsgRefNum: 513,
      sarTotalSegments: 2,
      sarSegmentSeqnum: 1,
      other: [{ tag: 0x1401, value: Buffer.from('vendor') }],
    },
  }),
  shortMessage('deliver_sm', {
    sequence: 10,
    source: { ton: 1, npi: 1, addr: '254712345678' },
    destination: { ton: 3, npi: 0, addr: '22000' },
    esmClass: 0x04,
    optional: {
      receiptedMessageId: '0A1B',
      messageState: 2,
      networkErrorCode: { type: 3, code: 0x0102 },
    },
  }),
  // A segment of a UCS-2 MO with its header in the text and a receipt's fields beside it.
  shortMessage('deliver_sm', {
    sequence: 14,
    source: { ton: 1, npi: 1, addr: '254712345678' },
    destination: { ton: 0, npi: 0, addr: '22000' },
    esmClass: 0x44,
    dataCoding: 8,
    shortMessage: Buffer.from([5, 0, 3, 9, 2, 1, 0, 0x48, 0, 0x69]),
    optional: {
      sarMsgRefNum: 9,
      receiptedMessageId: 'abc',
      messageState: 2,
      networkErrorCode: { type: 1, code: 2 },
    },
  }),
  {
    command: 'data_sm',
    status: 0,
    sequence: 11,
    serviceType: '',
    source: { ton: 1, npi: 1, addr: '254712345678' },
    destination: { ton: 0, npi: 0, addr: '22000' },
    esmClass: 0,
    registeredDelivery: 0,
    dataCoding: 0,
    optional: { messagePayload: Buffer.from('hello') },
  },
  { command: 'submit_sm_resp', status: 0, sequence: 9, messageId: 'abc123', optional: {} },
  {
    command: 'deliver_sm_resp',
    status: Status.ESME_RX_T_APPN,
    sequence: 10,
    messageId: '',
    optional: {},
  },
  { command: 'data_sm_resp', status: 0, sequence: 11, messageId: 'x', optional: {} },
  { command: 'unbind', status: 0, sequence: 12 },
  { command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: 13 },
];
