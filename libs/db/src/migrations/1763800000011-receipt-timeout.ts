import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The receipt-timeout sweep's work list: outbound messages handed to their provider (`wired`, `sent`)
 * and waiting for its final report, per channel by the time they got there. The sweep probes it once
 * per channel for the rows past that channel's timeout; the index holds only messages in flight.
 *
 * Built CONCURRENTLY, outside a transaction, so the ledger keeps writing messages while it builds (the
 * migration lock is polled for that: see migrate.ts). A build that failed leaves an invalid index
 * behind: it is dropped before the next try.
 */
export class ReceiptTimeout1763800000011 implements MigrationInterface {
  name = 'ReceiptTimeout1763800000011';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS messages_awaiting_receipt`);
    await db.query(`
      CREATE INDEX CONCURRENTLY messages_awaiting_receipt ON messages (channel_id, status_at)
      WHERE status IN ('wired', 'sent')`);
  }

  // TypeORM reverts in a transaction whatever `transaction` says: a plain DROP, over in a moment.
  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS messages_awaiting_receipt`);
  }
}
