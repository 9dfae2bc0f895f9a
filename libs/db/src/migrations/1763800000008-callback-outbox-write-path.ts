import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every status change of a message with a notifyUrl adds a callback row, so with one message per
 * request the outbox takes four inserts per message. Its foreign key to `messages` cost a per-row
 * trigger and lookup, and guards nothing: callbacks are written only in the transaction that holds
 * their message (created or locked), and nothing deletes messages. As for history and parts (1763800000007),
 * whoever deletes messages by hand deletes their `callback_outbox` rows with them (docs/operations.md).
 */
export class CallbackOutboxWritePath1763800000008 implements MigrationInterface {
  name = 'CallbackOutboxWritePath1763800000008';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE callback_outbox DROP CONSTRAINT IF EXISTS callback_outbox_message_id_fkey`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE callback_outbox ADD CONSTRAINT callback_outbox_message_id_fkey
         FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE`,
    );
  }
}
