import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CHT's RapidPro webhook moved from /api/v1 to /api/v2 in CHT 4.1. `api_version` gains `auto`, the new
 * default: v2 first, v1 when CHT answers 404 there. Rows saved with the old default (`v2`) become
 * `auto`: a v2 CHT sees no change, and an older one stops losing messages. `detected_api_version` is
 * what `auto` found, and `api_status` what the last try of the webhook path came to (`ok`, or
 * `path-not-found` when CHT answers 404 on every path tried), kept for GET /v1/cht/target and for the
 * other replicas.
 */
export class ChtApiDetection1763800000016 implements MigrationInterface {
  name = 'ChtApiDetection1763800000016';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE cht_targets
        DROP CONSTRAINT cht_targets_api_version_check,
        ADD CONSTRAINT cht_targets_api_version_check CHECK (api_version IN ('auto', 'v1', 'v2')),
        ALTER COLUMN api_version SET DEFAULT 'auto',
        ADD COLUMN detected_api_version text CHECK (detected_api_version IN ('v1', 'v2')),
        ADD COLUMN api_status text CHECK (api_status IN ('ok', 'path-not-found')),
        ADD COLUMN api_checked_at timestamptz`);
    await db.query(`UPDATE cht_targets SET api_version = 'auto' WHERE api_version = 'v2'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE cht_targets SET api_version = COALESCE(detected_api_version, 'v2')
      WHERE api_version = 'auto'`);
    await db.query(`
      ALTER TABLE cht_targets
        DROP COLUMN api_checked_at,
        DROP COLUMN api_status,
        DROP COLUMN detected_api_version,
        DROP CONSTRAINT cht_targets_api_version_check,
        ADD CONSTRAINT cht_targets_api_version_check CHECK (api_version IN ('v1', 'v2')),
        ALTER COLUMN api_version SET DEFAULT 'v2'`);
  }
}
