import { Inject, Injectable } from '@nestjs/common';
import { OutboundStatusV1, RECEIPT_SOURCE, ReceiptReceivedV1 } from '@smsgate/contracts';
import { ConsumedEvent, EventPublisher, Outcome, Outcomes } from '@smsgate/kafka';
import { DataSource } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { EXPIRY_SOURCE, RECEIPT_TIMEOUT_SOURCE, SWEEPER_SOURCE } from '../domain/sources';
import { publishChanges } from './publish-changes';
import { CommandResult, LedgerOutput, StatusCommand } from './status-command';
import { StatusLedger } from './status-ledger';

/**
 * Applies a consumed batch of dispatch results or provider receipts in one transaction, then publishes
 * the status changes that were applied. Parked events are done for Kafka (the parked set holds them);
 * events naming another workspace's channel or message are dead-lettered with the reason.
 */
@Injectable()
export class TrackStatuses {
  private readonly receiptSettleMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: StatusLedger,
    private readonly publisher: EventPublisher,
    @Inject(DLR_TRACKER_CONFIG) config: Pick<DlrTrackerConfig, 'LEDGER_RECEIPT_SETTLE_MS'>,
  ) {
    this.receiptSettleMs = config.LEDGER_RECEIPT_SETTLE_MS;
  }

  fromDispatch(events: ConsumedEvent<OutboundStatusV1>[]): Promise<Outcome[]> {
    return this.run(
      events.map(({ payload, topic, partition, offset }) => ({
        eventId: payload.eventId,
        workspace: payload.workspace,
        channel: payload.channel,
        messageId: payload.id,
        providerMessageId: payload.providerMessageId,
        status: payload.status,
        part: payload.part,
        attempt: payload.attempt,
        detail: payload.detail,
        at: payload.at,
        source: sourceOf(payload.detail?.by),
        origin: { topic, partition, offset, payload },
      })),
    );
  }

  /**
   * Receipts younger than LEDGER_RECEIPT_SETTLE_MS wait until they are that old. An SMSC that answers
   * a submit and sends its receipt within milliseconds has the receipt on Kafka as soon as the `sent`
   * that names its provider id; applied first, the receipt would be parked and applied again once the
   * `sent` lands (twice the work). The wait lets the dispatch results of the moment go first.
   */
  async fromReceipts(events: ConsumedEvent<ReceiptReceivedV1>[]): Promise<Outcome[]> {
    const newest = Math.max(...events.map((event) => Number(event.timestamp) || 0));
    const wait = Math.min(newest + this.receiptSettleMs - Date.now(), this.receiptSettleMs);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return this.run(
      events.map(({ payload, topic, partition, offset }) => ({
        eventId: payload.eventId,
        workspace: payload.workspace,
        channel: payload.channel,
        providerMessageId: payload.providerMessageId,
        status: payload.status,
        detail: payload.detail,
        at: payload.at,
        source: 'receipt',
        origin: { topic, partition, offset, payload },
      })),
    );
  }

  private async run(commands: StatusCommand[]): Promise<Outcome[]> {
    const output: LedgerOutput = await this.dataSource.transaction((db) => this.ledger.apply(db, commands));
    const settled = await this.ledger.settleRaces(this.dataSource, output.followUp);
    await publishChanges(this.publisher, [...output.changes, ...settled]);
    return output.results.map(toOutcome);
  }
}

const sourceOf = (by: unknown): string =>
  by === EXPIRY_SOURCE || by === RECEIPT_TIMEOUT_SOURCE
    ? SWEEPER_SOURCE
    : by === RECEIPT_SOURCE
      ? 'receipt'
      : 'dispatch';

function toOutcome(result: CommandResult): Outcome {
  switch (result.kind) {
    case 'applied':
    case 'duplicate':
      return Outcomes.done();
    case 'kept':
    case 'parked':
      return Outcomes.skipped(result.reason);
    case 'rejected':
      return Outcomes.deadLetter(result.reason);
  }
}
