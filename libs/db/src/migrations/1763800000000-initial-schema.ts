import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workspaces (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        api_key_hash text NOT NULL UNIQUE,
        api_key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        type text NOT NULL CHECK (type IN ('ex', 'imi', 'template', 'smpp')),
        name text NOT NULL,
        address text,
        country text CHECK (country ~ '^[A-Z]{2}$'),
        config jsonb NOT NULL DEFAULT '{}',
        secrets text,
        secret_fields text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`CREATE INDEX channels_workspace ON channels (workspace_id)`);
    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        channel_id uuid REFERENCES channels (id),
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        from_addr text,
        to_addr text,
        text text NOT NULL,
        status text NOT NULL,
        segments int NOT NULL,
        encoding text NOT NULL,
        provider_ids text[] NOT NULL DEFAULT '{}',
        correlation_id text,
        error jsonb,
        metadata jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX messages_workspace_id ON messages (workspace_id, id DESC)`);
    await db.query(
      `CREATE INDEX messages_correlation ON messages (workspace_id, correlation_id) WHERE correlation_id IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE message_events (
        event_id uuid PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        status text NOT NULL,
        source text NOT NULL,
        detail jsonb,
        at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX message_events_message ON message_events (message_id, at)`);
    await db.query(`
      CREATE TABLE inbound_dedup (
        key text PRIMARY KEY,
        message_id uuid NOT NULL,
        published boolean NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX inbound_dedup_created ON inbound_dedup (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE inbound_dedup`);
    await db.query(`DROP TABLE message_events`);
    await db.query(`DROP TABLE messages`);
    await db.query(`DROP TABLE channels`);
    await db.query(`DROP TABLE workspaces`);
  }
}
