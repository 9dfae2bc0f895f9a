import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IMIconnect-style smartlinks. `smartlinks` holds a workspace's target URLs under the client's own
 * `linkid`; `smartlink_codes` one short code per message and link (the `/l/<code>` a handset gets),
 * kept for a while after expiry so a late click is told 410 rather than 404; `smartlink_clicks` one row per click,
 * with no IP address. Clicks outlive their link and code: they are the message's history.
 */
export class Smartlinks1763800000014 implements MigrationInterface {
  name = 'Smartlinks1763800000014';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE smartlinks (
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        link_id text NOT NULL,
        url text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, link_id)
      )`);
    await db.query(`
      CREATE TABLE smartlink_codes (
        code text PRIMARY KEY,
        workspace_id uuid NOT NULL,
        link_id text NOT NULL,
        message_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        FOREIGN KEY (workspace_id, link_id) REFERENCES smartlinks (workspace_id, link_id) ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX smartlink_codes_link ON smartlink_codes (workspace_id, link_id)`);
    await db.query(`CREATE INDEX smartlink_codes_expires ON smartlink_codes (expires_at)`);
    await db.query(`
      CREATE TABLE smartlink_clicks (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL,
        message_id uuid NOT NULL,
        link_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        user_agent text
      )`);
    await db.query(`CREATE INDEX smartlink_clicks_message ON smartlink_clicks (message_id, at)`);
    await db.query(`CREATE INDEX smartlink_clicks_workspace ON smartlink_clicks (workspace_id, at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE smartlink_clicks`);
    await db.query(`DROP TABLE smartlink_codes`);
    await db.query(`DROP TABLE smartlinks`);
  }
}
