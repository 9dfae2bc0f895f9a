import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-workspace contact profiles (named string fields by E.164 number), which fill a send's open
 * `$(name)` placeholders, and stored message templates (IMIconnect's `message.template`), whose ids the
 * client may choose. Both are read by key only: the primary keys are the only indexes they need.
 */
export class ProfilesAndTemplates1763800000013 implements MigrationInterface {
  name = 'ProfilesAndTemplates1763800000013';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE profiles (
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        msisdn text NOT NULL,
        fields jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, msisdn)
      )`);
    await db.query(`
      CREATE TABLE message_templates (
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        id text NOT NULL,
        name text,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE message_templates`);
    await db.query(`DROP TABLE profiles`);
  }
}
