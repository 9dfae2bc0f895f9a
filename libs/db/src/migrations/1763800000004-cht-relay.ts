import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cht-relay: per-workspace CHT targets (RapidPro-style webhook or medic-gateway polling), RapidPro
 * External API channels that smsgate serves as aggregator, the broadcasts and messages cht-relay
 * created (with their RapidPro-style integer ids and last known status), inbound forwarding state,
 * the gateway-mode inbox, and the counters of the message-loop guard.
 */
export class ChtRelay1763800000004 implements MigrationInterface {
  name = 'ChtRelay1763800000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cht_targets (
        workspace_id uuid PRIMARY KEY REFERENCES workspaces (id),
        mode text NOT NULL CHECK (mode IN ('rapidpro', 'gateway')),
        url text NOT NULL,
        api_version text NOT NULL DEFAULT 'v2' CHECK (api_version IN ('v1', 'v2')),
        username text,
        secrets text,
        secret_fields text[] NOT NULL DEFAULT '{}',
        default_channel uuid,
        api_rate_per_minute int CHECK (api_rate_per_minute > 0),
        enabled boolean NOT NULL DEFAULT true,
        last_poll_at timestamptz,
        last_poll_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE rapidpro_channels (
        uuid uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        rapidpro_url text NOT NULL,
        send_channel uuid,
        inbound_channels uuid[] NOT NULL DEFAULT '{}',
        secrets text,
        secret_fields text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX rapidpro_channels_workspace ON rapidpro_channels (workspace_id)`);
    await db.query(`
      CREATE TABLE cht_broadcasts (
        id bigserial PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        workspace_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        text text NOT NULL,
        urns text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX cht_broadcasts_idempotency ON cht_broadcasts (workspace_id, idempotency_key, created_at)`,
    );
    await db.query(`
      CREATE TABLE cht_messages (
        message_id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        workspace_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('broadcast', 'gateway', 'rapidpro')),
        broadcast_id bigint REFERENCES cht_broadcasts (id),
        external_ref text,
        ref_field text,
        rapidpro_channel uuid,
        urn text NOT NULL,
        text text NOT NULL,
        status text NOT NULL,
        status_reason text,
        published boolean NOT NULL DEFAULT false,
        reported_status text,
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await db.query(`CREATE INDEX cht_messages_broadcast ON cht_messages (broadcast_id)`);
    await db.query(
      `CREATE UNIQUE INDEX cht_messages_external ON cht_messages (workspace_id, source, external_ref)
         WHERE external_ref IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE cht_inbound_forwards (
        message_id uuid NOT NULL,
        target text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        maybe_delivered boolean NOT NULL DEFAULT false,
        done_at timestamptz,
        outcome text,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, target)
      )`);
    await db.query(`
      CREATE TABLE cht_gateway_inbox (
        message_id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        from_addr text NOT NULL,
        content text NOT NULL,
        received_at timestamptz NOT NULL,
        delivered_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX cht_gateway_inbox_pending ON cht_gateway_inbox (workspace_id, received_at)
         WHERE delivered_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE cht_loop_counters (
        workspace_id uuid NOT NULL,
        address text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        text_hash text NOT NULL,
        window_start timestamptz NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (workspace_id, address, direction, text_hash)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE cht_loop_counters`);
    await db.query(`DROP TABLE cht_gateway_inbox`);
    await db.query(`DROP TABLE cht_inbound_forwards`);
    await db.query(`DROP TABLE cht_messages`);
    await db.query(`DROP TABLE cht_broadcasts`);
    await db.query(`DROP TABLE rapidpro_channels`);
    await db.query(`DROP TABLE cht_targets`);
  }
}
