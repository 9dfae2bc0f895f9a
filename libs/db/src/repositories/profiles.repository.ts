import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ProfileRecord {
  msisdn: string;
  fields: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export type ProfilePatch =
  | { kind: 'patched'; profile: ProfileRecord }
  | { kind: 'not_found' }
  /** The patch would leave the profile with `fieldCount` fields, more than allowed. */
  | { kind: 'too_many_fields'; fieldCount: number };

const COLUMNS = `msisdn, fields, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const profileQueries = {
  replace: `
    INSERT INTO profiles AS p (workspace_id, msisdn, fields) VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, msisdn) DO UPDATE SET fields = EXCLUDED.fields, updated_at = now()
    RETURNING ${COLUMNS}, (xmax = 0) AS created`,
  // One statement: the merged field count is checked on the locked row, and a missing row is told apart.
  patch: `
    WITH current AS (
      SELECT (fields || $3::jsonb) - $4::text[] AS merged FROM profiles
       WHERE workspace_id = $1 AND msisdn = $2
         FOR UPDATE
    ), updated AS (
      UPDATE profiles p SET fields = c.merged, updated_at = now()
        FROM current c
       WHERE p.workspace_id = $1 AND p.msisdn = $2
         AND (SELECT count(*) FROM jsonb_object_keys(c.merged)) <= $5
      RETURNING p.msisdn, p.fields, p.created_at AS "createdAt", p.updated_at AS "updatedAt"
    )
    SELECT (SELECT count(*) FROM jsonb_object_keys(c.merged))::int AS "fieldCount", u.*
      FROM current c LEFT JOIN updated u ON true`,
  get: `
    SELECT ${COLUMNS} FROM profiles WHERE workspace_id = $1 AND msisdn = $2`,
  list: `
    SELECT ${COLUMNS} FROM profiles
     WHERE workspace_id = $1 AND ($2::text IS NULL OR msisdn > $2)
     ORDER BY msisdn
     LIMIT $3`,
  delete: `
    DELETE FROM profiles WHERE workspace_id = $1 AND msisdn = $2`,
  fieldsOf: `
    -- hot: once per send request batch whose text leaves a $(variable) open
    SELECT msisdn, fields FROM profiles WHERE workspace_id = $1 AND msisdn = ANY($2::text[])`,
} as const;

/** Contact profiles of a workspace: named string fields by E.164 number. */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates or replaces the profile; `created` tells which. */
  async replace(
    workspaceId: string,
    msisdn: string,
    fields: Record<string, string>,
  ): Promise<{ profile: ProfileRecord; created: boolean }> {
    const [row] = await this.db.query<Array<ProfileRecord & { created: boolean }>>(profileQueries.replace, [
      workspaceId,
      msisdn,
      JSON.stringify(fields),
    ]);
    const { created, ...profile } = row;
    return { profile, created };
  }

  /** Sets `set` and removes `remove`, unless that leaves more than `maxFields` fields. */
  async patch(
    workspaceId: string,
    msisdn: string,
    set: Record<string, string>,
    remove: string[],
    maxFields: number,
  ): Promise<ProfilePatch> {
    const [row] = await this.db.query<Array<Partial<ProfileRecord> & { fieldCount: number }>>(
      profileQueries.patch,
      [workspaceId, msisdn, JSON.stringify(set), remove, maxFields],
    );
    if (!row) return { kind: 'not_found' };
    const { fieldCount, ...profile } = row;
    if (!profile.msisdn) return { kind: 'too_many_fields', fieldCount };
    return { kind: 'patched', profile: profile as ProfileRecord };
  }

  async get(workspaceId: string, msisdn: string): Promise<ProfileRecord | undefined> {
    const [row] = await this.db.query<ProfileRecord[]>(profileQueries.get, [workspaceId, msisdn]);
    return row;
  }

  /** Up to `limit` profiles after `after` (a number), by number. */
  async list(workspaceId: string, after: string | undefined, limit: number): Promise<ProfileRecord[]> {
    return this.db.query<ProfileRecord[]>(profileQueries.list, [workspaceId, after ?? null, limit]);
  }

  /** False when the workspace has no profile for this number. */
  async delete(workspaceId: string, msisdn: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(profileQueries.delete, [workspaceId, msisdn]);
    return affected > 0;
  }

  /** The fields of those of `msisdns` that have a profile; one round trip. */
  async fieldsOf(workspaceId: string, msisdns: string[]): Promise<Map<string, Record<string, string>>> {
    const rows = await this.db.query<Array<{ msisdn: string; fields: Record<string, string> }>>(
      profileQueries.fieldsOf,
      [workspaceId, msisdns],
    );
    return new Map(rows.map((row) => [row.msisdn, row.fields]));
  }
}
