import type { InboundReceivedV1, MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import type { NewSmppDelivery, SubmitForReceiptRow } from '@smsgate/db';
import { DeliverSmFields, moPdus, receiptPdu } from '@smsgate/smpp-server';

/**
 * The statuses a receipt is sent on. `unknown` (no report within the channel's receipt timeout) counts:
 * SMPP's UNKNOWN is a final state, and an ESME waiting for a receipt should not wait for ever. A later
 * report replacing it sends no second receipt (one receipt per submit).
 */
export const RECEIPT_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'delivered',
  'failed',
  'expired',
  'rejected',
  'errored',
  'no_route',
  'unknown',
]);

/**
 * Whether a submit's registered_delivery asks for a receipt on this final status (SMPP 3.4 §5.2.17,
 * bits 0-1): 1 on every final outcome, 2 on a failure only (anything but delivered); 0 and 3 none.
 */
export function wantsReceipt(registeredDelivery: number, status: MessageStatus): boolean {
  switch (registeredDelivery & 0x03) {
    case 1:
      return true;
    case 2:
      return status !== 'delivered';
    default:
      return false;
  }
}

/**
 * The SMSC's `err:` for the ESME's receipt: smpp-binds puts the receipt's error code (three digits) in
 * the status detail as `err`; anything else (an HTTP provider's codes, a code that is not 0-999) gives
 * none, and the receipt says 000.
 */
export function errorCodeOf(event: Pick<MessageStatusChangedV1, 'detail'>): { errorCode?: number } {
  const err = event.detail?.err;
  const code =
    typeof err === 'number' ? err : typeof err === 'string' && /^\d{1,3}$/.test(err) ? Number(err) : NaN;
  return Number.isInteger(code) && code >= 0 && code <= 999 ? { errorCode: code } : {};
}

/** A row of smpp_server_submits as a receipt needs it (interface 2, with message_id to match the event). */
export type SubmitForReceipt = SubmitForReceiptRow;

/** deliver_sm fields as a jsonb column holds them: the short_message in base64. */
export type StoredDeliverSm = Omit<DeliverSmFields, 'shortMessage'> & { shortMessage: string };

export function storedPdu(fields: DeliverSmFields): StoredDeliverSm {
  return { ...fields, shortMessage: fields.shortMessage.toString('base64') };
}

export function pduOfStored(stored: Record<string, unknown>): DeliverSmFields {
  const { shortMessage, ...fields } = stored as StoredDeliverSm;
  return { ...fields, shortMessage: Buffer.from(shortMessage, 'base64') };
}

/**
 * The receipts of a batch of status changes: one per submit row (each part of a long message has its
 * own) whose message reached a final status its registered_delivery asks about. Inbound and
 * non-final changes make none.
 */
export function receiptRows(
  events: MessageStatusChangedV1[],
  submits: SubmitForReceipt[],
): NewSmppDelivery[] {
  const byMessage = new Map<string, SubmitForReceipt[]>();
  for (const submit of submits) {
    byMessage.set(submit.messageId, [...(byMessage.get(submit.messageId) ?? []), submit]);
  }
  const rows: NewSmppDelivery[] = [];
  for (const event of events) {
    if (event.direction !== 'out' || !RECEIPT_STATUSES.has(event.status)) continue;
    for (const submit of byMessage.get(event.id) ?? []) {
      if (!wantsReceipt(submit.registeredDelivery, event.status)) continue;
      const pdu = receiptPdu({
        submitId: submit.id,
        status: event.status,
        submittedAt: submit.createdAt,
        doneAt: new Date(event.at),
        source: submit.source,
        destination: submit.destination,
        textHead: submit.textHead,
        ...errorCodeOf(event),
      });
      rows.push({
        accountId: submit.accountId,
        kind: 'receipt',
        sourceId: submit.id,
        part: 0,
        pdu: { ...storedPdu(pdu) },
      });
    }
  }
  return rows;
}

/**
 * The deliver_sm rows of one inbound message for each account it is routed to: its parts, in order.
 * The concatenation reference comes from the message id, so a replay builds the same bytes.
 */
export function moRows(message: InboundReceivedV1, accountIds: string[]): NewSmppDelivery[] {
  if (accountIds.length === 0) return [];
  const pdus = moPdus({
    from: message.from,
    to: message.to ?? '',
    text: message.text,
    reference: parseInt(message.id.replace(/-/g, '').slice(-2), 16),
  });
  return accountIds.flatMap((accountId) =>
    pdus.map((pdu, part) => ({
      accountId,
      kind: 'mo' as const,
      sourceId: message.id,
      part,
      pdu: { ...storedPdu(pdu) },
    })),
  );
}
