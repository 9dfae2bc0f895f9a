import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Callbacks of one message wait in line: only the oldest unfinished callback of a message is
 * `pending` (claimable); the ones behind it are `queued` and promoted when it finishes. The worker's
 * claim becomes one range scan of the due index, whatever the planner believes about how many
 * callbacks are pending (with the per-message check in the claim itself, statistics taken while the
 * outbox was idle made a burst of callbacks cost seconds per claim).
 */
export class CallbackQueue1763800000006 implements MigrationInterface {
  name = 'CallbackQueue1763800000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_outbox DROP CONSTRAINT IF EXISTS callback_outbox_state_check`);
    await db.query(
      `ALTER TABLE callback_outbox ADD CONSTRAINT callback_outbox_state_check
         CHECK (state IN ('pending', 'queued', 'delivered', 'failed'))`,
    );
    await db.query(`
      UPDATE callback_outbox c SET state = 'queued'
      WHERE c.state = 'pending'
        AND EXISTS (SELECT 1 FROM callback_outbox e
                    WHERE e.message_id = c.message_id AND e.state = 'pending' AND e.id < c.id)`);
    await db.query(`DROP INDEX callback_outbox_message`);
    await db.query(
      `CREATE INDEX callback_outbox_waiting ON callback_outbox (message_id, id) WHERE state IN ('pending', 'queued')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX callback_outbox_waiting`);
    await db.query(`UPDATE callback_outbox SET state = 'pending' WHERE state = 'queued'`);
    await db.query(
      `CREATE INDEX callback_outbox_message ON callback_outbox (message_id, id) WHERE state = 'pending'`,
    );
    await db.query(`ALTER TABLE callback_outbox DROP CONSTRAINT callback_outbox_state_check`);
    await db.query(
      `ALTER TABLE callback_outbox ADD CONSTRAINT callback_outbox_state_check
         CHECK (state IN ('pending', 'delivered', 'failed'))`,
    );
  }
}
