import { MessageStatusChangedV1 } from '@smsgate/contracts';
import type { NewSmppDelivery } from '@smsgate/db';
import { ConsumedEvent, Outcome, Outcomes } from '@smsgate/kafka';
import { receiptRows, RECEIPT_STATUSES, SubmitForReceipt } from './delivery-rows';

/** Where receipts come from and go: smpp_server_submits (read) and smpp_deliveries (written). */
export interface ReceiptStore {
  /** The submits of these messages, every part (interface 2: one query). */
  submitsForReceipts(messageIds: string[]): Promise<SubmitForReceipt[]>;
  /** Inserts in one statement, a replay adding nothing; the accounts that got rows. */
  insertMany(deliveries: NewSmppDelivery[], expiryHours: number): Promise<string[]>;
}

/**
 * Consumes sms.message.status-changed.v1: for the final statuses of outbound messages, the receipts
 * their SMPP submits asked for go to the outbox, in one read and one write per batch. A database error
 * throws: the batch is retried as a whole, and the outbox's unique key keeps what was written once.
 */
export class ReceiptsUseCase {
  constructor(
    private readonly store: ReceiptStore,
    private readonly expiryHours: number,
    /** Wakes the pump for accounts that got rows (bound here or not: it checks). */
    private readonly inserted: (accountIds: string[]) => void,
  ) {}

  async execute(events: ConsumedEvent<MessageStatusChangedV1>[]): Promise<Outcome[]> {
    const finals = events
      .map((event) => event.payload)
      .filter((e) => e.direction === 'out' && RECEIPT_STATUSES.has(e.status));
    if (finals.length > 0) {
      const submits = await this.store.submitsForReceipts([...new Set(finals.map((event) => event.id))]);
      const rows = receiptRows(finals, submits);
      const accounts = await this.store.insertMany(rows, this.expiryHours);
      if (accounts.length > 0) this.inserted(accounts);
    }
    return events.map(({ payload }) =>
      payload.direction === 'out' && RECEIPT_STATUSES.has(payload.status)
        ? Outcomes.done()
        : Outcomes.skipped('not a final status of an outbound message'),
    );
  }
}
