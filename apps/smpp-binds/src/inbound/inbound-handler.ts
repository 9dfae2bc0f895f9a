import { Injectable, Logger } from '@nestjs/common';
import {
  isStorable,
  RECEIPT_SOURCE,
  receiptKey,
  Topics,
  UNSTORABLE_REASON,
  uuidv7,
} from '@smsgate/contracts';
import { EventPublisher, InvalidEventError } from '@smsgate/kafka';
import type { InboundVerdict, SmscChannel, SmscInbound } from '../protocols';
import { inboundTotal } from '../metrics';
import { SubmittedParts } from '../submit/submitted-parts';
import { MoReassembly } from './mo-reassembly';

/** How long a receipt waits for its message's `sent` to be queued before it goes anyway. */
const SENT_WAIT_MS = 5_000;

type Receipt = Extract<SmscInbound, { kind: 'receipt' }>;
type Mo = Extract<SmscInbound, { kind: 'mo' }>;

/**
 * What SMSCs send on a channel's connections, whatever the protocol (which decodes it first):
 * receipts become `sms.outbound.receipt.v1` events (dlr-tracker correlates them by channel and SMSC id,
 * also when they raced ahead of the submit response), MO messages `sms.inbound.received.v1`
 * (concatenated ones after reassembly). The verdict is `accepted` only after Kafka (or, for a part,
 * PostgreSQL) has the event; otherwise `retry`, so the SMSC delivers it again.
 */
@Injectable()
export class InboundHandler {
  private readonly logger = new Logger(InboundHandler.name);

  constructor(
    private readonly publisher: EventPublisher,
    private readonly reassembly: MoReassembly,
    private readonly submitted: SubmittedParts,
  ) {}

  async handle(channel: SmscChannel, inbound: SmscInbound): Promise<InboundVerdict> {
    const answer = await this.dispatch(channel, inbound).catch((error: unknown) => {
      // An event the contract refuses would be refused again on every redelivery: a permanent error.
      const verdict: InboundVerdict = error instanceof InvalidEventError ? 'refused' : 'retry';
      this.logger.warn(
        `channel ${channel.id}: ${inbound.kind} not accepted (${error instanceof Error ? error.message : String(error)}); answering ${verdict}`,
      );
      return { verdict, kind: verdict === 'refused' ? 'invalid' : 'failed' };
    });
    inboundTotal.inc({
      channel: channel.id,
      kind: answer.kind,
      answer: answer.verdict === 'accepted' ? 'ok' : answer.verdict,
    });
    return answer.verdict;
  }

  private async dispatch(
    channel: SmscChannel,
    inbound: SmscInbound,
  ): Promise<{ verdict: InboundVerdict; kind: string }> {
    switch (inbound.kind) {
      case 'receipt':
        await this.publishReceipt(channel, inbound);
        return { verdict: 'accepted', kind: 'receipt' };
      case 'unusable':
        this.logger.warn(`channel ${channel.id}: ${inbound.reason}`);
        return { verdict: inbound.verdict, kind: 'invalid' };
      case 'mo':
        return this.receiveMo(channel, inbound);
    }
  }

  private async receiveMo(channel: SmscChannel, mo: Mo): Promise<{ verdict: InboundVerdict; kind: string }> {
    if (!isStorable(mo.text)) {
      // NUL or a lone surrogate (UCS-2 can carry both): refused at this edge, as on every HTTP one.
      this.logger.warn(`channel ${channel.id}: MO refused: its text ${UNSTORABLE_REASON}`);
      return { verdict: 'refused', kind: 'invalid' };
    }
    if (!mo.from || mo.from.length > 32) return { verdict: 'bad_source', kind: 'invalid' };
    const to = mo.to.slice(0, 32);
    if (mo.concatenation && mo.concatenation.total > 1) {
      const result = await this.reassembly.add({
        workspace: channel.workspaceId,
        channel: channel.id,
        channelType: channel.type,
        from: mo.from,
        to,
        ...mo.concatenation,
        text: mo.text,
      });
      return { verdict: 'accepted', kind: result === 'completed' ? 'mo' : 'mo_part' };
    }
    await this.publisher.publish(
      Topics.inboundReceived,
      {
        id: uuidv7(),
        workspace: channel.workspaceId,
        channel: channel.id,
        channelType: channel.type,
        from: mo.from,
        ...(to ? { to } : {}),
        text: mo.text,
        receivedAt: new Date().toISOString(),
      },
      { key: channel.id },
    );
    return { verdict: 'accepted', kind: 'mo' };
  }

  private async publishReceipt(channel: SmscChannel, receipt: Receipt): Promise<void> {
    const now = new Date().toISOString();
    const { providerMessageId, status, detail } = receipt;
    // An SMSC sends the receipt right behind the submit's answer, often in the same read: let the
    // answer reach SubmitMessage (a few promise hops) before looking the part up.
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
        at: receipt.doneAt ?? now,
        receivedAt: now,
      },
      { key: receiptKey(channel.id, providerMessageId) },
    );
  }
}
