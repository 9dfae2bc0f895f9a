import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * dlr-tracker's ledger: outbound message fields (expiry, callbacks), per-part state with the
 * (channel, provider id) correlation index, receipts parked until their provider id is known, and the
 * callback outbox that the callback worker drains.
 */
export class DeliveryTracking1763800000002 implements MigrationInterface {
  name = 'DeliveryTracking1763800000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE messages
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN notify_url text,
        ADD COLUMN notify_format text,
        ADD COLUMN callback_data text,
        ADD COLUMN priority text,
        ADD COLUMN attempt int NOT NULL DEFAULT 0,
        ADD COLUMN part_count int,
        ADD COLUMN status_at timestamptz,
        ADD COLUMN callback_failure jsonb`);
    // The sweeper's work list: outbound messages that can still expire.
    await db.query(`
      CREATE INDEX messages_expiry ON messages (expires_at)
      WHERE expires_at IS NOT NULL AND status IN ('accepted', 'queued', 'wired', 'sent', 'errored')`);
    await db.query(`CREATE INDEX messages_workspace_status ON messages (workspace_id, status, id DESC)`);
    await db.query(`
      ALTER TABLE message_events
        ADD COLUMN previous_status text,
        ADD COLUMN applied boolean NOT NULL DEFAULT true,
        ADD COLUMN part_index int`);
    await db.query(`
      CREATE TABLE message_parts (
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        part_index int NOT NULL CHECK (part_index >= 0),
        channel_id uuid,
        provider_message_id text,
        status text NOT NULL,
        attempt int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (message_id, part_index)
      )`);
    await db.query(`
      CREATE UNIQUE INDEX message_parts_provider ON message_parts (channel_id, provider_message_id)
      WHERE provider_message_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE parked_events (
        event_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('status', 'receipt')),
        workspace_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        message_id uuid,
        provider_message_id text,
        payload jsonb NOT NULL,
        source_topic text NOT NULL,
        source_partition int NOT NULL,
        source_offset text NOT NULL,
        reason text NOT NULL,
        parked_at timestamptz NOT NULL,
        reported_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX parked_events_provider ON parked_events (channel_id, provider_message_id) WHERE kind = 'receipt'`,
    );
    await db.query(`CREATE INDEX parked_events_message ON parked_events (message_id) WHERE kind = 'status'`);
    await db.query(
      `CREATE INDEX parked_events_unreported ON parked_events (parked_at) WHERE reported_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE callback_outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL,
        url text NOT NULL,
        body text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX callback_outbox_due ON callback_outbox (next_attempt_at) WHERE state = 'pending'`,
    );
    await db.query(
      `CREATE INDEX callback_outbox_message ON callback_outbox (message_id, id) WHERE state = 'pending'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE callback_outbox`);
    await db.query(`DROP TABLE parked_events`);
    await db.query(`DROP TABLE message_parts`);
    await db.query(`
      ALTER TABLE message_events
        DROP COLUMN previous_status, DROP COLUMN applied, DROP COLUMN part_index`);
    await db.query(`DROP INDEX messages_workspace_status`);
    await db.query(`DROP INDEX messages_expiry`);
    await db.query(`
      ALTER TABLE messages
        DROP COLUMN expires_at, DROP COLUMN notify_url, DROP COLUMN notify_format, DROP COLUMN callback_data,
        DROP COLUMN priority, DROP COLUMN attempt, DROP COLUMN part_count, DROP COLUMN status_at,
        DROP COLUMN callback_failure`);
  }
}
