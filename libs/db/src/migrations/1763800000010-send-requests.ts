import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Send requests a client may repeat: by `Idempotency-Key`, or (without one) an identical request
 * carrying a correlation id, within a window. The row keeps what the first request planned (its
 * answer and its events, with their message ids) so a repeat answers the same and, when the first
 * never learnt whether Kafka took its events, publishes those same events again (consumers apply a
 * message id once) — never new ones.
 */
export class SendRequests1763800000010 implements MigrationInterface {
  name = 'SendRequests1763800000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE send_requests (
        workspace_id uuid NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        state text NOT NULL CHECK (state IN ('publishing', 'accepted')),
        results jsonb NOT NULL,
        events jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (workspace_id, key)
      )`);
    await db.query(`CREATE INDEX send_requests_created ON send_requests (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE send_requests`);
  }
}
