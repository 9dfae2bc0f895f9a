import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A workspace's CHT instance as stored; `secrets` sealed. */
export interface ChtTargetRow {
  workspace_id: string;
  mode: 'rapidpro' | 'gateway';
  url: string;
  /** `auto`: v2, or v1 when CHT answers 404 on v2 (CHT before 4.1). */
  api_version: 'auto' | 'v1' | 'v2';
  username: string | null;
  secrets: string | null;
  secret_fields: string[];
  default_channel: string | null;
  api_rate_per_minute: number | null;
  enabled: boolean;
  last_poll_at: Date | null;
  last_poll_error: string | null;
  /** What `auto` found CHT to serve. */
  detected_api_version: 'v1' | 'v2' | null;
  /** What the last try of the webhook path came to: null before the first. */
  api_status: ChtApiStatus | null;
  api_checked_at: Date | null;
}

export type ChtApiStatus = 'ok' | 'path-not-found';

export type ChtTargetFields = Omit<
  ChtTargetRow,
  'last_poll_at' | 'last_poll_error' | 'detected_api_version' | 'api_status' | 'api_checked_at'
>;

/** A saved target keeps what was learnt of its CHT's paths unless it now points elsewhere. */
const SAME_CHT = 'cht_targets.url = EXCLUDED.url AND cht_targets.api_version = EXCLUDED.api_version';

export const chtTargetQueries = {
  find: `
    SELECT * FROM cht_targets WHERE workspace_id = $1`,
  findEnabledGateways: `
    SELECT * FROM cht_targets WHERE mode = 'gateway' AND enabled ORDER BY workspace_id`,
  lockSecrets: `
    SELECT secrets FROM cht_targets WHERE workspace_id = $1 FOR UPDATE`,
  upsert: `
    INSERT INTO cht_targets (workspace_id, mode, url, api_version, username, secrets, secret_fields,
      default_channel, api_rate_per_minute, enabled)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (workspace_id) DO UPDATE SET mode = EXCLUDED.mode, url = EXCLUDED.url,
      api_version = EXCLUDED.api_version, username = EXCLUDED.username, secrets = EXCLUDED.secrets,
      secret_fields = EXCLUDED.secret_fields, default_channel = EXCLUDED.default_channel,
      api_rate_per_minute = EXCLUDED.api_rate_per_minute, enabled = EXCLUDED.enabled, updated_at = now(),
      detected_api_version = CASE WHEN ${SAME_CHT} THEN cht_targets.detected_api_version END,
      api_status = CASE WHEN ${SAME_CHT} THEN cht_targets.api_status END,
      api_checked_at = CASE WHEN ${SAME_CHT} THEN cht_targets.api_checked_at END
    RETURNING *`,
  delete: `
    DELETE FROM cht_targets WHERE workspace_id = $1`,
  recordPoll: `
    UPDATE cht_targets SET last_poll_at = now(), last_poll_error = $2 WHERE workspace_id = $1`,
  recordApiStatus: `
    UPDATE cht_targets SET detected_api_version = COALESCE($2, detected_api_version), api_status = $3,
      api_checked_at = now()
    WHERE workspace_id = $1`,
  claimPoll: `
    UPDATE cht_targets SET last_poll_at = now() WHERE workspace_id = $1
      AND (last_poll_at IS NULL OR last_poll_at < now() - make_interval(secs =>
        CASE WHEN last_poll_error IS NULL THEN $2::float8 ELSE $3::float8 END))
    RETURNING workspace_id`,
} as const;

/** Each workspace's CHT instance (cht_targets) and the state of its gateway polls. */
@Injectable()
export class ChtTargetsRepository {
  constructor(private readonly db: DataSource) {}

  async find(workspaceId: string): Promise<ChtTargetRow | undefined> {
    const rows = await this.db.query<ChtTargetRow[]>(chtTargetQueries.find, [workspaceId]);
    return rows[0];
  }

  findEnabledGateways(): Promise<ChtTargetRow[]> {
    return this.db.query(chtTargetQueries.findEnabledGateways);
  }

  /**
   * Locks the workspace's target row until the caller's transaction ends and returns its sealed
   * secrets: null when it has none, undefined when there is no target.
   */
  async lockSecrets(manager: EntityManager, workspaceId: string): Promise<string | null | undefined> {
    const [row] = await manager.query<Pick<ChtTargetRow, 'secrets'>[]>(chtTargetQueries.lockSecrets, [
      workspaceId,
    ]);
    return row?.secrets;
  }

  /** Creates or replaces the workspace's target, in the caller's transaction. */
  async upsert(manager: EntityManager, target: ChtTargetFields): Promise<ChtTargetRow> {
    const [row] = await manager.query<ChtTargetRow[]>(chtTargetQueries.upsert, [
      target.workspace_id,
      target.mode,
      target.url,
      target.api_version,
      target.username,
      target.secrets,
      target.secret_fields,
      target.default_channel,
      target.api_rate_per_minute,
      target.enabled,
    ]);
    return row;
  }

  /** False when the workspace had no target. */
  async delete(workspaceId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(chtTargetQueries.delete, [workspaceId]);
    return count > 0;
  }

  async recordPoll(workspaceId: string, error: string | null): Promise<void> {
    await this.db.query(chtTargetQueries.recordPoll, [workspaceId, error]);
  }

  /** What a try of the webhook path came to; `detected` (null: unchanged) is what `auto` found. */
  async recordApiStatus(
    workspaceId: string,
    detected: 'v1' | 'v2' | null,
    status: ChtApiStatus,
  ): Promise<void> {
    await this.db.query(chtTargetQueries.recordApiStatus, [workspaceId, detected, status]);
  }

  /**
   * Moves the target's last poll to now if its last poll is older than `afterSeconds`
   * (`afterFailureSeconds` when it failed); false when it is not (another replica polls it).
   */
  async claimPoll(workspaceId: string, afterSeconds: number, afterFailureSeconds: number): Promise<boolean> {
    const [rows] = await this.db.query<[unknown[], number]>(chtTargetQueries.claimPoll, [
      workspaceId,
      afterSeconds,
      afterFailureSeconds,
    ]);
    return rows.length > 0;
  }
}
