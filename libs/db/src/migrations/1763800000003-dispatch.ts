import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch: workspace routing rules (destination prefix or country → ordered channels), the record of
 * each send attempt (so a replayed request whose attempt already reached the provider is not sent
 * again), and opt-outs (a number that said STOP on a channel gets nothing more on it).
 */
export class Dispatch1763800000003 implements MigrationInterface {
  name = 'Dispatch1763800000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE routes (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        prefix text CHECK (prefix ~ '^\\+[0-9]{1,15}$'),
        country text CHECK (country ~ '^[A-Z]{2}$'),
        channels uuid[] NOT NULL CHECK (cardinality(channels) > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX routes_workspace ON routes (workspace_id)`);
    await db.query(`
      CREATE TABLE dispatch_attempts (
        message_id uuid NOT NULL,
        attempt int NOT NULL CHECK (attempt >= 1),
        channel_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('sending', 'done')),
        result jsonb,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        PRIMARY KEY (message_id, attempt)
      )`);
    await db.query(`
      CREATE TABLE opt_outs (
        channel_id uuid NOT NULL,
        address text NOT NULL,
        stopped_at timestamptz NOT NULL,
        PRIMARY KEY (channel_id, address)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE opt_outs`);
    await db.query(`DROP TABLE dispatch_attempts`);
    await db.query(`DROP TABLE routes`);
  }
}
