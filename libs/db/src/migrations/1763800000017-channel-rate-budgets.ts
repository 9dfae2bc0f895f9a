import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per rate-limited or paused HTTP channel, shared by every dispatcher replica: how many parts
 * of the current rate window (`window_no`, counted on the database's clock) have been leased, what the
 * last lease got, and until when a `Retry-After` from the channel's provider pauses it.
 */
export class ChannelRateBudgets1763800000017 implements MigrationInterface {
  name = 'ChannelRateBudgets1763800000017';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE channel_rate_budgets (
        channel_id uuid PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
        window_no bigint NOT NULL DEFAULT 0,
        leased integer NOT NULL DEFAULT 0,
        last_lease integer NOT NULL DEFAULT 0,
        paused_until timestamptz NOT NULL DEFAULT '-infinity'
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE channel_rate_budgets`);
  }
}
