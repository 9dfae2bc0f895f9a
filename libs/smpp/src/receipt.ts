import { EsmClass, MESSAGE_STATES } from './constants';
import type { DataSmPdu, ShortMessagePdu } from './pdu';

/** A delivery receipt as the SMSC described it (SMPP 3.4 Appendix B text, or TLVs). */
export interface DeliveryReceipt {
  /** The SMSC message id the receipt is about, as written. */
  messageId: string;
  /** `DELIVRD`, `UNDELIV`, `EXPIRED`, `REJECTD`, `DELETED`, `ACCEPTD`, `ENROUTE`, `UNKNOWN` or as given. */
  stat: string;
  err?: string;
  submitDate?: string;
  doneDate?: string;
  submitted?: number;
  delivered?: number;
  text?: string;
  networkErrorCode?: { type: number; code: number };
}

/** Whether esm_class marks the deliver_sm / data_sm as a receipt (or an intermediate notification). */
export function isReceiptEsmClass(esmClass: number): boolean {
  const type = esmClass & EsmClass.TYPE_MASK;
  return type === EsmClass.DELIVERY_RECEIPT || type === EsmClass.INTERMEDIATE_NOTIFICATION;
}

const FIELD = /(id|sub|dlvrd|submit date|done date|stat|err|text):/gi;

/**
 * Parses the de-facto receipt text `id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done
 * date:YYMMDDhhmm stat:DDDDDDD err:E text:…`. Field order, case and spacing vary between SMSCs;
 * `text:` runs to the end. Returns undefined when there is no id.
 */
export function parseReceiptText(text: string): Omit<DeliveryReceipt, 'networkErrorCode'> | undefined {
  const marks = [...text.matchAll(FIELD)];
  const fields = new Map<string, string>();
  marks.forEach((mark, index) => {
    const name = mark[1].toLowerCase();
    if (fields.has(name)) return;
    const start = (mark.index ?? 0) + mark[0].length;
    const end = name === 'text' ? text.length : (marks[index + 1]?.index ?? text.length);
    fields.set(name, text.slice(start, end).trim());
  });
  const messageId = fields.get('id');
  if (!messageId) return undefined;
  const count = (name: string) => {
    const value = fields.get(name);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const receipt: Omit<DeliveryReceipt, 'networkErrorCode'> = {
    messageId,
    stat: (fields.get('stat') ?? 'UNKNOWN').toUpperCase(),
  };
  const optional: [keyof DeliveryReceipt, string | number | undefined][] = [
    ['err', fields.get('err')],
    ['submitDate', fields.get('submit date')],
    ['doneDate', fields.get('done date')],
    ['submitted', count('sub')],
    ['delivered', count('dlvrd')],
    ['text', fields.get('text')],
  ];
  for (const [key, value] of optional)
    if (value !== undefined && value !== '') Object.assign(receipt, { [key]: value });
  return receipt;
}

/**
 * The receipt carried by a deliver_sm or data_sm whose esm_class says it is one: the TLVs
 * (receipted_message_id, message_state, network_error_code) win over the text, which fills the rest.
 */
export function receiptOf(pdu: ShortMessagePdu | DataSmPdu, text: string): DeliveryReceipt | undefined {
  if (!isReceiptEsmClass(pdu.esmClass)) return undefined;
  const parsed = parseReceiptText(text);
  const { receiptedMessageId, messageState, networkErrorCode } = pdu.optional;
  const messageId = receiptedMessageId || parsed?.messageId;
  if (!messageId) return undefined;
  const stateName = messageState === undefined ? undefined : MESSAGE_STATES[messageState];
  return {
    ...parsed,
    messageId,
    stat: stateName ?? parsed?.stat ?? 'UNKNOWN',
    ...(networkErrorCode ? { networkErrorCode } : {}),
  };
}

/**
 * `YYMMDDhhmm` or `YYMMDDhhmmss` of a receipt as an ISO timestamp, read as UTC (the receipt does not
 * say its zone); undefined if malformed.
 */
export function receiptDate(value: string | undefined): string | undefined {
  const match = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value) : null;
  if (!match) return undefined;
  const [, yy, mo, dd, hh, mi, ss] = match;
  const date = new Date(
    Date.UTC(2000 + Number(yy), Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss ?? 0)),
  );
  return Number.isNaN(date.getTime()) || date.getUTCMonth() !== Number(mo) - 1
    ? undefined
    : date.toISOString();
}

/** Builds the receipt text the way SMSCs write it (used by the simulator). */
export function formatReceiptText(receipt: {
  messageId: string;
  stat: string;
  err?: string;
  submitDate: Date;
  doneDate: Date;
  text?: string;
}): string {
  const stamp = (date: Date) =>
    [
      date.getUTCFullYear() % 100,
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
    ]
      .map((value) => String(value).padStart(2, '0'))
      .join('');
  const delivered = receipt.stat === 'DELIVRD' ? '001' : '000';
  return (
    `id:${receipt.messageId} sub:001 dlvrd:${delivered} submit date:${stamp(receipt.submitDate)} ` +
    `done date:${stamp(receipt.doneDate)} stat:${receipt.stat} err:${receipt.err ?? '000'} text:${(receipt.text ?? '').slice(0, 20)}`
  );
}
