import type { MessageStatus } from '@smsgate/contracts';
import { gsm7SeptetsOf } from '@smsgate/sms';
import {
  addressFor,
  buildParts,
  DataCoding,
  encodeText,
  EsmClass,
  formatReceiptText,
  shortMessage,
  ShortMessagePdu,
} from '@smsgate/smpp';

/** One deliver_sm as SmppServerSession.deliver sends it. */
export interface DeliverSmFields {
  sourceAddr: string;
  sourceTon?: number;
  sourceNpi?: number;
  destAddr: string;
  destTon?: number;
  destNpi?: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery?: number;
  /** May start with a UDH (esmClass has 0x40 then). */
  shortMessage: Buffer;
  /** TLV 0x001E. */
  receiptedMessageId?: string;
  /** TLV 0x0427. */
  messageState?: number;
  sarMsgRefNum?: number;
  sarTotalSegments?: number;
  sarSegmentSeqnum?: number;
}

/** The deliver_sm PDU of `fields`; TON/NPI left out are taken from the address's look (addressFor). */
export function deliverSm(fields: DeliverSmFields, sequence: number): ShortMessagePdu {
  const optional = {
    receiptedMessageId: fields.receiptedMessageId,
    messageState: fields.messageState,
    sarMsgRefNum: fields.sarMsgRefNum,
    sarTotalSegments: fields.sarTotalSegments,
    sarSegmentSeqnum: fields.sarSegmentSeqnum,
  };
  return shortMessage('deliver_sm', {
    sequence,
    source: addressFor(fields.sourceAddr, { ton: fields.sourceTon, npi: fields.sourceNpi }),
    destination: addressFor(fields.destAddr, { ton: fields.destTon, npi: fields.destNpi }),
    esmClass: fields.esmClass,
    dataCoding: fields.dataCoding,
    registeredDelivery: fields.registeredDelivery ?? 0,
    shortMessage: fields.shortMessage,
    // Only the TLVs set: the codec writes every key present.
    optional: Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  });
}

/** What a receipt reports about one accepted submit (one row of smpp_submits and its final status). */
export interface ReceiptInput {
  /** The message id answered in submit_sm_resp. */
  submitId: string;
  status: MessageStatus;
  submittedAt: Date;
  doneAt: Date;
  /** The submit's source and destination (the receipt goes the other way). */
  source: string;
  destination: string;
  /** The start of the submitted text. */
  textHead: string;
  errorCode?: number;
}

/**
 * stat and message_state (SMPP 3.4 §5.2.28) per status. A status that is not final yet reads as
 * ENROUTE: a receipt is normally built for final ones only.
 */
const RECEIPT_STATE: Record<MessageStatus, { stat: string; state: number }> = {
  delivered: { stat: 'DELIVRD', state: 2 },
  expired: { stat: 'EXPIRED', state: 3 },
  failed: { stat: 'UNDELIV', state: 5 },
  errored: { stat: 'UNDELIV', state: 5 },
  rejected: { stat: 'REJECTD', state: 8 },
  no_route: { stat: 'REJECTD', state: 8 },
  unknown: { stat: 'UNKNOWN', state: 7 },
  received: { stat: 'ENROUTE', state: 1 },
  accepted: { stat: 'ENROUTE', state: 1 },
  queued: { stat: 'ENROUTE', state: 1 },
  wired: { stat: 'ENROUTE', state: 1 },
  sent: { stat: 'ENROUTE', state: 1 },
};

/**
 * The delivery receipt of one submit: SMPP 3.4 Appendix B text (`id:… sub:001 dlvrd:… submit date:…
 * done date:… stat:… err:… text:…`, dates yyMMddHHmm in UTC) in GSM 03.38 (data_coding 0, one septet
 * per octet), esm_class 0x04, receipted_message_id and message_state TLVs. The text head's
 * characters outside GSM 03.38 become `?`: UCS-2 would double a text that, with a 64-character id,
 * does not fit 254 octets twice, and `text:` only helps a person recognise the message.
 */
export function receiptPdu(receipt: ReceiptInput): DeliverSmFields {
  const { stat, state } = RECEIPT_STATE[receipt.status];
  const head = Array.from(receipt.textHead)
    .slice(0, 20)
    .map((character) => (gsm7SeptetsOf(character) === null ? '?' : character))
    .join('');
  const text = formatReceiptText({
    messageId: receipt.submitId,
    stat,
    err: String(receipt.errorCode ?? 0).padStart(3, '0'),
    submitDate: receipt.submittedAt,
    doneDate: receipt.doneAt,
    text: head,
  });
  return {
    sourceAddr: receipt.destination,
    destAddr: receipt.source,
    esmClass: EsmClass.DELIVERY_RECEIPT,
    dataCoding: DataCoding.SMSC_DEFAULT,
    shortMessage: encodeText(text, 'gsm7'),
    receiptedMessageId: receipt.submitId,
    messageState: state,
  };
}

/**
 * The deliver_sm of one MO: GSM 03.38 (data_coding 0, one septet per octet) when the text fits it,
 * else UCS-2 (data_coding 8); a longer text in parts with an 8-bit-reference UDH (esm_class 0x40),
 * cut as smpp-binds cuts its submits (`buildParts`).
 */
export function moPdus(mo: { from: string; to: string; text: string; reference: number }): DeliverSmFields[] {
  return buildParts(mo.text, { preferred: 'gsm7', longMessage: 'udh8', reference: mo.reference }).map(
    (part) => ({
      sourceAddr: mo.from,
      destAddr: mo.to,
      esmClass: part.esmClass,
      dataCoding: part.dataCoding,
      shortMessage: part.shortMessage,
    }),
  );
}
