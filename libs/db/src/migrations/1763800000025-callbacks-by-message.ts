import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message's status callbacks, finished ones included, for its page (GET /v1/messages/:id): without it
 * that read scans the outbox (a few hours of callbacks). One more index entry per callback written.
 *
 * Built CONCURRENTLY, outside a transaction, so callbacks keep being written while it builds; a build that
 * failed leaves an invalid index behind, dropped before the next try.
 */
export class CallbacksByMessage1763800000025 implements MigrationInterface {
  name = 'CallbacksByMessage1763800000025';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS callback_outbox_by_message`);
    await db.query(`CREATE INDEX CONCURRENTLY callback_outbox_by_message ON callback_outbox (message_id)`);
  }

  // TypeORM reverts in a transaction whatever `transaction` says: a plain DROP, over in a moment.
  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS callback_outbox_by_message`);
  }
}
