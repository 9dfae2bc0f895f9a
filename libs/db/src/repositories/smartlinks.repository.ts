import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SmartlinkRecord {
  linkId: string;
  url: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One message's short code for one link, written before the send is answered. */
export interface NewSmartlinkCode {
  code: string;
  workspaceId: string;
  linkId: string;
  messageId: string;
  expiresAt: Date;
}

/** What a `/l/<code>` leads to (none once its link is deleted). */
export interface SmartlinkTarget {
  workspaceId: string;
  linkId: string;
  messageId: string;
  url: string;
  expired: boolean;
}

export interface SmartlinkClick {
  linkId: string;
  at: Date;
  userAgent: string | null;
}

const recordColumns = `link_id AS "linkId", url, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const smartlinkQueries = {
  insert: `
    INSERT INTO smartlinks (workspace_id, link_id, url) VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, link_id) DO NOTHING
    RETURNING ${recordColumns}`,
  update: `
    UPDATE smartlinks SET url = $3, updated_at = now() WHERE workspace_id = $1 AND link_id = $2
    RETURNING ${recordColumns}`,
  find: `
    SELECT ${recordColumns} FROM smartlinks WHERE workspace_id = $1 AND link_id = $2`,
  listByWorkspace: `
    SELECT ${recordColumns} FROM smartlinks WHERE workspace_id = $1 ORDER BY link_id LIMIT $2`,
  delete: `
    DELETE FROM smartlinks WHERE workspace_id = $1 AND link_id = $2`,
  existing: `
    -- once per send request that uses smartlinks (never for one that does not)
    SELECT link_id FROM smartlinks WHERE workspace_id = $1 AND link_id = ANY($2::text[])`,
  insertCodes: `
    -- once per send request that uses smartlinks: every destination's codes in one statement
    INSERT INTO smartlink_codes (code, workspace_id, link_id, message_id, expires_at)
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[])`,
  target: `
    -- per click on a /l/<code>
    SELECT c.workspace_id AS "workspaceId", c.link_id AS "linkId", c.message_id AS "messageId", l.url,
           c.expires_at <= now() AS expired
      FROM smartlink_codes c
      JOIN smartlinks l ON l.workspace_id = c.workspace_id AND l.link_id = c.link_id
     WHERE c.code = $1`,
  insertClick: `
    INSERT INTO smartlink_clicks (workspace_id, message_id, link_id, user_agent) VALUES ($1, $2, $3, $4)`,
  clicksOf: `
    SELECT link_id AS "linkId", at, user_agent AS "userAgent"
      FROM smartlink_clicks WHERE message_id = $1 AND workspace_id = $2 ORDER BY at, id`,
  deleteExpired: `
    DELETE FROM smartlink_codes WHERE code IN (
      SELECT code FROM smartlink_codes WHERE expires_at < now() - make_interval(days => $1) LIMIT $2)`,
  countClicks: `
    SELECT count(*) AS n FROM smartlink_clicks
     WHERE workspace_id = $1 AND at >= $2 AND ($3::timestamptz IS NULL OR at < $3)`,
} as const;

/** A workspace's smartlinks (IMIconnect's `linkid` → URL), the codes sent in messages, their clicks. */
@Injectable()
export class SmartlinksRepository {
  constructor(private readonly db: DataSource) {}

  /** Null when the workspace already has `linkId`. */
  async insert(workspaceId: string, linkId: string, url: string): Promise<SmartlinkRecord | null> {
    const rows = await this.db.query<SmartlinkRecord[]>(smartlinkQueries.insert, [workspaceId, linkId, url]);
    return rows[0] ?? null;
  }

  /** Null when the workspace has no such link. */
  async update(workspaceId: string, linkId: string, url: string): Promise<SmartlinkRecord | null> {
    const rows = await this.db.query<[SmartlinkRecord[], number]>(smartlinkQueries.update, [
      workspaceId,
      linkId,
      url,
    ]);
    return rows[0][0] ?? null;
  }

  async find(workspaceId: string, linkId: string): Promise<SmartlinkRecord | null> {
    const rows = await this.db.query<SmartlinkRecord[]>(smartlinkQueries.find, [workspaceId, linkId]);
    return rows[0] ?? null;
  }

  listByWorkspace(workspaceId: string, limit: number): Promise<SmartlinkRecord[]> {
    return this.db.query<SmartlinkRecord[]>(smartlinkQueries.listByWorkspace, [workspaceId, limit]);
  }

  /** False when the workspace has no such link. Its codes go with it; its clicks stay. */
  async delete(workspaceId: string, linkId: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(smartlinkQueries.delete, [
      workspaceId,
      linkId,
    ]);
    return affected > 0;
  }

  /** Which of `linkIds` the workspace has. */
  async existing(workspaceId: string, linkIds: string[]): Promise<string[]> {
    const rows = await this.db.query<Array<{ link_id: string }>>(smartlinkQueries.existing, [
      workspaceId,
      linkIds,
    ]);
    return rows.map((row) => row.link_id);
  }

  async insertCodes(codes: NewSmartlinkCode[]): Promise<void> {
    if (codes.length === 0) return;
    await this.db.query(smartlinkQueries.insertCodes, [
      codes.map((c) => c.code),
      codes.map((c) => c.workspaceId),
      codes.map((c) => c.linkId),
      codes.map((c) => c.messageId),
      codes.map((c) => c.expiresAt.toISOString()),
    ]);
  }

  async target(code: string): Promise<SmartlinkTarget | null> {
    const rows = await this.db.query<SmartlinkTarget[]>(smartlinkQueries.target, [code]);
    return rows[0] ?? null;
  }

  async insertClick(target: SmartlinkTarget, userAgent: string | null): Promise<void> {
    await this.db.query(smartlinkQueries.insertClick, [
      target.workspaceId,
      target.messageId,
      target.linkId,
      userAgent,
    ]);
  }

  clicksOf(messageId: string, workspaceId: string): Promise<SmartlinkClick[]> {
    return this.db.query<SmartlinkClick[]>(smartlinkQueries.clicksOf, [messageId, workspaceId]);
  }

  /** Deletes up to `limit` codes expired more than `days` ago; how many it deleted. */
  async deleteExpired(days: number, limit: number): Promise<number> {
    const [, affected] = await this.db.query<[unknown, number]>(smartlinkQueries.deleteExpired, [
      days,
      limit,
    ]);
    return affected;
  }

  /** The workspace's clicks in [since, until). */
  async countClicks(workspaceId: string, since: string, until: string | null): Promise<number> {
    const [row] = await this.db.query<Array<{ n: string }>>(smartlinkQueries.countClicks, [
      workspaceId,
      since,
      until,
    ]);
    return Number(row.n);
  }
}
