import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's write path, the gateway's busiest: every status event adds a history row and touches a
 * part. Their foreign keys to `messages` cost a per-row trigger and lookup (a quarter of the history
 * insert) and guard nothing the ledger does not already ensure: it writes history and parts only for
 * a message it holds locked in the same transaction, and nothing deletes messages. Whoever deletes
 * messages by hand deletes their `message_events` and `message_parts` with them.
 *
 * Parts get free space on their pages, so a receipt's status update stays on the page (a HOT update:
 * no new index entries, the provider-id index untouched).
 */
export class LedgerWritePath1763800000007 implements MigrationInterface {
  name = 'LedgerWritePath1763800000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE message_events DROP CONSTRAINT IF EXISTS message_events_message_id_fkey`);
    await db.query(`ALTER TABLE message_parts DROP CONSTRAINT IF EXISTS message_parts_message_id_fkey`);
    await db.query(`ALTER TABLE message_parts SET (fillfactor = 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE message_parts RESET (fillfactor)`);
    await db.query(
      `ALTER TABLE message_parts ADD CONSTRAINT message_parts_message_id_fkey
         FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE`,
    );
    await db.query(
      `ALTER TABLE message_events ADD CONSTRAINT message_events_message_id_fkey
         FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE`,
    );
  }
}
