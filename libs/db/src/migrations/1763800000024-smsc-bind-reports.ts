import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each smpp-binds replica holds, reported every few seconds: its partitions and each of its SMSC
 * channels' connections (state, window in use, rates, last error). A replica's binds live in its memory;
 * this table lets the console show every replica's at once. A replica that stops reporting (killed)
 * is left out by readers after a few intervals and its row is replaced when a replica of the same name
 * reports again, or deleted by the next report of any replica once it is an hour old.
 */
export class SmscBindReports1763800000024 implements MigrationInterface {
  name = 'SmscBindReports1763800000024';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smsc_bind_reports (
        replica text PRIMARY KEY,
        partitions int[] NOT NULL,
        channels jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smsc_bind_reports`);
  }
}
