/** SMPP 3.4 command ids (section 5.1.2.1). A response is its request's id with the top bit set. */
export const CommandIds = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof CommandIds;

export const COMMAND_NAMES: ReadonlyMap<number, CommandName> = new Map(
  Object.entries(CommandIds).map(([name, id]) => [id, name as CommandName]),
);

export const RESPONSE_BIT = 0x80000000;
export const isResponseId = (commandId: number): boolean => (commandId & RESPONSE_BIT) !== 0;

/** command_status values we act on or report (section 5.1.3), by name. */
export const Status = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  // SMPP 3.4 has no status for an unsupported data_coding; 5.0 (§4.7.6) added this one.
  ESME_RINVDCS: 0x104,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Status).map(([name, code]) => [code, name]),
);

/** `ESME_RTHROTTLED`, or `0x00000458` for a vendor-specific code. */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** Optional parameter tags (section 5.3.2) this gateway reads or writes. */
export const Tags = {
  dest_addr_subunit: 0x0005,
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
} as const;

/** esm_class bits (section 5.2.12). */
export const EsmClass = {
  /** Bits 5–2 of a deliver_sm: the message is an SMSC delivery receipt. */
  DELIVERY_RECEIPT: 0x04,
  /** Bits 5–2: an intermediate delivery notification. */
  INTERMEDIATE_NOTIFICATION: 0x20,
  TYPE_MASK: 0x3c,
  /** Bit 6: short_message starts with a user data header. */
  UDHI: 0x40,
} as const;

/** data_coding values (section 5.2.19). */
export const DataCoding = {
  SMSC_DEFAULT: 0x00,
  IA5: 0x01,
  BINARY_8BIT: 0x02,
  LATIN1: 0x03,
  BINARY: 0x04,
  UCS2: 0x08,
} as const;

/** message_state values (section 5.2.28), as the receipt text's `stat:` words. */
export const MESSAGE_STATES: Readonly<Record<number, string>> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

export const INTERFACE_VERSION_34 = 0x34;
