import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each workspace signs its status callbacks with its own secret (stored encrypted with SECRETS_KEY). */
export class WorkspaceSigningSecret1763800000001 implements MigrationInterface {
  name = 'WorkspaceSigningSecret1763800000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE workspaces ADD COLUMN signing_secret text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE workspaces DROP COLUMN signing_secret`);
  }
}
