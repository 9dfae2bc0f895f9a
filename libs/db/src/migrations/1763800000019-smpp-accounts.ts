import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts that ESMEs bind to smsgate's SMPP server with. `system_id` is unique across workspaces (a bind
 * names no workspace) and, as SMPP 3.4 allows, at most 15 octets; `password_hash` is a scrypt hash of an
 * 8-character password; `allowed_sources` empty means any source address; `tps` null means no throughput
 * limit; `channel_id` null means the workspace's routes pick the channel.
 */
export class SmppAccounts1763800000019 implements MigrationInterface {
  name = 'SmppAccounts1763800000019';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smpp_accounts (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        system_id text NOT NULL UNIQUE CHECK (system_id ~ '^[!-~]{1,15}$'),
        password_hash text NOT NULL,
        bind_modes text[] NOT NULL CHECK (
          cardinality(bind_modes) > 0 AND bind_modes <@ ARRAY['transmitter', 'receiver', 'transceiver']
        ),
        max_binds integer NOT NULL CHECK (max_binds BETWEEN 1 AND 100),
        allowed_sources text[] NOT NULL DEFAULT '{}',
        tps numeric CHECK (tps > 0),
        channel_id uuid REFERENCES channels (id) ON DELETE SET NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX smpp_accounts_workspace ON smpp_accounts (workspace_id)`);
    await db.query(`CREATE INDEX smpp_accounts_channel ON smpp_accounts (channel_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smpp_accounts`);
  }
}
