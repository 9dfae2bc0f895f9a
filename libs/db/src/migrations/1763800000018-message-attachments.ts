import { MigrationInterface, QueryRunner } from 'typeorm';

/** The files a message carries, by URL (`[{url, contentType?, name?, size?}]`); null for none. */
export class MessageAttachments1763800000018 implements MigrationInterface {
  name = 'MessageAttachments1763800000018';

  async up(db: QueryRunner): Promise<void> {
    // Nullable without a default: PostgreSQL adds the column without rewriting the table.
    await db.query(`ALTER TABLE messages ADD COLUMN attachments jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages DROP COLUMN attachments`);
  }
}
