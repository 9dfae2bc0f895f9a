import { Injectable, Logger } from '@nestjs/common';
import {
  isStorable,
  MessageStatus,
  RECEIPT_SOURCE,
  receiptKey,
  Topics,
  UNSTORABLE_REASON,
  uuidv7,
} from '@smsgate/contracts';
import { EventPublisher, InvalidEventError } from '@smsgate/kafka';
import {
  canonicalSmppId,
  DataSmPdu,
  decodeText,
  DeliveryReceipt,
  EsmClass,
  InboundAnswer,
  parseUdh,
  readAddress,
  receiptDate,
  receiptOf,
  ShortMessagePdu,
  Status,
} from '@smsgate/smpp';
import type { SmppChannel } from '../channels/smpp-channels';
import { inboundTotal } from '../metrics';
import { SubmittedParts } from '../submit/submitted-parts';
import { MoReassembly } from './mo-reassembly';

/** How long a receipt waits for its message's `sent` to be queued before it goes anyway. */
const SENT_WAIT_MS = 5_000;

/** SMSC receipt states (the text's `stat:` word) as smsgate statuses. */
const STATUS_OF_STAT: Record<string, MessageStatus> = {
  DELIVRD: 'delivered',
  UNDELIV: 'failed',
  DELETED: 'failed',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  ACCEPTD: 'accepted',
  // Progress or no news: kept in the message's history without moving it forward.
  ENROUTE: 'sent',
  UNKNOWN: 'sent',
};

/**
 * deliver_sm and data_sm of one channel: receipts become `sms.outbound.receipt.v1` events (dlr-tracker
 * correlates them by channel and SMSC id, also when they raced ahead of the submit response), MO
 * messages `sms.inbound.received.v1` (concatenated ones after reassembly). The answer is ESME_ROK only
 * after Kafka (or, for a part, PostgreSQL) has the event; otherwise ESME_RX_T_APPN, so the SMSC
 * delivers it again.
 */
@Injectable()
export class InboundHandler {
  private readonly logger = new Logger(InboundHandler.name);

  constructor(
    private readonly publisher: EventPublisher,
    private readonly reassembly: MoReassembly,
    private readonly submitted: SubmittedParts,
  ) {}

  async handle(channel: SmppChannel, pdu: ShortMessagePdu | DataSmPdu): Promise<InboundAnswer> {
    const answer = await this.dispatch(channel, pdu).catch((error: unknown) => {
      // An event the contract refuses would be refused again on every redelivery: a permanent error.
      const status = error instanceof InvalidEventError ? Status.ESME_RX_P_APPN : Status.ESME_RX_T_APPN;
      this.logger.warn(
        `channel ${channel.id}: ${pdu.command} not accepted (${error instanceof Error ? error.message : String(error)}); answering ${status === Status.ESME_RX_P_APPN ? 'ESME_RX_P_APPN' : 'ESME_RX_T_APPN'}`,
      );
      return { status, kind: status === Status.ESME_RX_P_APPN ? 'invalid' : 'failed' };
    });
    inboundTotal.inc({
      channel: channel.id,
      kind: answer.kind,
      answer: answer.status === 0 ? 'ok' : String(answer.status),
    });
    return { status: answer.status };
  }

  private async dispatch(
    channel: SmppChannel,
    pdu: ShortMessagePdu | DataSmPdu,
  ): Promise<{ status: number; kind: string }> {
    const udhi = (pdu.esmClass & EsmClass.UDHI) !== 0;
    const raw =
      pdu.command === 'deliver_sm' && pdu.shortMessage.length > 0
        ? pdu.shortMessage
        : (pdu.optional.messagePayload ?? Buffer.alloc(0));
    const udh = udhi ? parseUdh(raw) : undefined;
    const text = decodeText(udh?.data ?? raw, pdu.dataCoding);

    const receipt = receiptOf(pdu, text);
    if (receipt) {
      await this.publishReceipt(channel, receipt);
      return { status: Status.ESME_ROK, kind: 'receipt' };
    }
    if ((pdu.esmClass & EsmClass.TYPE_MASK) !== 0) {
      // A receipt without an id cannot be matched to anything: say so, and do not have it resent.
      this.logger.warn(`channel ${channel.id}: receipt without a message id ignored: ${text.slice(0, 200)}`);
      return { status: Status.ESME_ROK, kind: 'invalid' };
    }

    if (!isStorable(text)) {
      // NUL or a lone surrogate (UCS-2 can carry both): refused at this edge, as on every HTTP one.
      this.logger.warn(`channel ${channel.id}: MO refused: its text ${UNSTORABLE_REASON}`);
      return { status: Status.ESME_RX_P_APPN, kind: 'invalid' };
    }
    const from = readAddress(pdu.source);
    const to = readAddress(pdu.destination) || channel.address || '';
    if (!from || from.length > 32) return { status: Status.ESME_RINVSRCADR, kind: 'invalid' };

    const concatenation =
      udh?.header.concatenation ??
      (pdu.optional.sarMsgRefNum !== undefined &&
      pdu.optional.sarTotalSegments &&
      pdu.optional.sarSegmentSeqnum
        ? {
            reference: pdu.optional.sarMsgRefNum,
            total: pdu.optional.sarTotalSegments,
            sequence: pdu.optional.sarSegmentSeqnum,
          }
        : undefined);
    if (concatenation && concatenation.total > 1) {
      const result = await this.reassembly.add({
        workspace: channel.workspaceId,
        channel: channel.id,
        from,
        to: to.slice(0, 32),
        ...concatenation,
        text,
      });
      return { status: Status.ESME_ROK, kind: result === 'completed' ? 'mo' : 'mo_part' };
    }
    await this.publisher.publish(
      Topics.inboundReceived,
      {
        id: uuidv7(),
        workspace: channel.workspaceId,
        channel: channel.id,
        channelType: 'smpp',
        from,
        ...(to ? { to: to.slice(0, 32) } : {}),
        text,
        receivedAt: new Date().toISOString(),
      },
      { key: channel.id },
    );
    return { status: Status.ESME_ROK, kind: 'mo' };
  }

  private async publishReceipt(channel: SmppChannel, receipt: DeliveryReceipt): Promise<void> {
    const settings = channel.settings;
    const format = settings?.receipt_message_id_format ?? settings?.message_id_format ?? 'hex';
    const now = new Date().toISOString();
    const detail: Record<string, string | number> = { stat: receipt.stat, smscMessageId: receipt.messageId };
    if (receipt.err !== undefined) detail.err = receipt.err;
    if (receipt.networkErrorCode) {
      detail.networkErrorType = receipt.networkErrorCode.type;
      detail.networkErrorCode = receipt.networkErrorCode.code;
    }
    if (receipt.submitDate) detail.submitDate = receipt.submitDate;
    if (receipt.doneDate) detail.doneDate = receipt.doneDate;
    const providerMessageId = canonicalSmppId(receipt.messageId, format).slice(0, 128);
    const status = STATUS_OF_STAT[receipt.stat] ?? 'sent';
    const at = receiptDate(receipt.doneDate) ?? now;
    // An SMSC sends the receipt right behind the submit_sm_resp, often in the same read: let the
    // submit's answer reach SubmitMessage (a few promise hops) before looking the part up.
    await new Promise((resolve) => setImmediate(resolve));
    const part = this.submitted.find(channel.id, providerMessageId);
    if (part) {
      // Submitted here: under the message's id, behind its `sent` (see SubmittedParts). Bounded: a
      // `sent` that cannot be queued (Kafka away) must not hold the SMSC's receipts for long.
      await Promise.race([part.sent, new Promise((resolve) => setTimeout(resolve, SENT_WAIT_MS).unref())]);
      await this.publisher.publish(
        Topics.outboundStatus,
        {
          eventId: uuidv7(),
          id: part.messageId,
          workspace: part.workspace,
          channel: channel.id,
          status,
          ...(part.part ? { part: part.part } : {}),
          providerMessageId,
          detail: { ...detail, by: RECEIPT_SOURCE },
          // When we learned it: statuses of a message are ordered by `at`, and a receipt's done date
          // (kept in the detail) has whole minutes at best, before the `sent` it follows.
          at: now,
        },
        { key: part.messageId },
      );
      return;
    }
    await this.publisher.publish(
      Topics.receiptReceived,
      {
        eventId: uuidv7(),
        workspace: channel.workspaceId,
        channel: channel.id,
        providerMessageId,
        status,
        detail,
        at,
        receivedAt: now,
      },
      { key: receiptKey(channel.id, providerMessageId) },
    );
  }
}
