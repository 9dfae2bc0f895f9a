import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statuses a message's callbacks are limited to (its request's `notifyOn`); NULL calls back every
 * change, as before. A column without a default: adding it rewrites nothing.
 */
export class NotifyOn1763800000012 implements MigrationInterface {
  name = 'NotifyOn1763800000012';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages ADD COLUMN notify_on text[]`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages DROP COLUMN notify_on`);
  }
}
