import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type ChtMessageSource = 'broadcast' | 'gateway' | 'rapidpro';

/** A message cht-relay put on the send path, as stored. */
export interface ChtMessageRow {
  message_id: string;
  seq: string;
  workspace_id: string;
  source: ChtMessageSource;
  broadcast_id: string | null;
  external_ref: string | null;
  ref_field: string | null;
  rapidpro_channel: string | null;
  urn: string;
  text: string;
  status: string;
  status_reason: string | null;
  published: boolean;
  reported_status: string | null;
  created_at: Date;
  modified_at: Date;
  sent_at: Date | null;
}

export type NewChtMessage = Pick<
  ChtMessageRow,
  | 'message_id'
  | 'workspace_id'
  | 'source'
  | 'broadcast_id'
  | 'external_ref'
  | 'ref_field'
  | 'rapidpro_channel'
  | 'urn'
  | 'text'
  | 'status'
  | 'status_reason'
>;

/** Filters of RapidPro's GET messages.json; each one given narrows the page. */
export interface ChtMessageFilters {
  broadcast?: string;
  seq?: string;
  messageId?: string;
}

const GATEWAY_BATCH = 500;

export const chtMessageQueries = {
  lock: `
    -- hot: per request that creates messages, serialises the requests for one key
    SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
  insert: `
    -- hot: per message created
    INSERT INTO cht_messages (message_id, workspace_id, source, broadcast_id, external_ref, ref_field,
      rapidpro_channel, urn, text, status, status_reason, published)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
    RETURNING *`,
  markPublished: `
    -- hot: per batch of messages published
    UPDATE cht_messages SET published = true WHERE message_id = ANY($1::uuid[])`,
  findByIds: `
    -- hot: per batch of status events
    SELECT * FROM cht_messages WHERE message_id = ANY($1::uuid[])`,
  updateStatus: `
    -- hot: per status event of a cht-relay message
    UPDATE cht_messages SET status = $2, status_reason = $3, modified_at = $4,
      sent_at = CASE WHEN $2 IN ('sent', 'delivered') THEN coalesce(sent_at, $4) ELSE sent_at END
    WHERE message_id = $1 RETURNING *`,
  setReportedStatus: `
    -- hot: per status reported to RapidPro or CHT
    UPDATE cht_messages SET reported_status = $2 WHERE message_id = $1`,
  findByRapidProRef: `
    -- hot: per RapidPro send request
    SELECT * FROM cht_messages WHERE workspace_id = $1 AND source = 'rapidpro' AND external_ref = $2`,
  findKnownGatewayRefs: `
    SELECT external_ref FROM cht_messages WHERE workspace_id = $1 AND source = 'gateway'
      AND external_ref = ANY($2::text[])`,
  findUnpublishedGateway: `
    SELECT * FROM cht_messages WHERE workspace_id = $1 AND source = 'gateway' AND NOT published
      AND status <> 'failed' ORDER BY seq LIMIT ${GATEWAY_BATCH}`,
  findGatewayUpdates: `
    SELECT message_id, external_ref, status, status_reason, {{gatewayStatus}} AS gateway_status
      FROM cht_messages
     WHERE workspace_id = $1 AND source = 'gateway' AND (published OR status = 'failed')
       AND reported_status IS DISTINCT FROM {{gatewayStatus}}
     ORDER BY seq LIMIT ${GATEWAY_BATCH}`,
  findByBroadcast: `
    SELECT * FROM cht_messages WHERE broadcast_id = $1 ORDER BY seq`,
  findPage: `
    SELECT * FROM cht_messages
     WHERE workspace_id = $1 AND ($2::bigint IS NULL OR broadcast_id = $2) AND ($3::bigint IS NULL OR seq = $3)
       AND ($4::uuid IS NULL OR message_id = $4)
     ORDER BY seq DESC LIMIT 250`,
} as const;

/**
 * The messages cht-relay puts on the send path (cht_messages): broadcasts of RapidPro's API, CHT's
 * gateway messages and RapidPro External API sends. Methods taking an EntityManager run in the
 * caller's transaction.
 */
@Injectable()
export class ChtMessagesRepository {
  constructor(private readonly db: DataSource) {}

  /** Holds a transaction-scoped advisory lock on `key` until the caller's transaction ends. */
  async lock(manager: EntityManager, key: string): Promise<void> {
    await manager.query(chtMessageQueries.lock, [key]);
  }

  insert(manager: EntityManager, message: NewChtMessage): Promise<ChtMessageRow[]> {
    return manager.query(chtMessageQueries.insert, [
      message.message_id,
      message.workspace_id,
      message.source,
      message.broadcast_id,
      message.external_ref,
      message.ref_field,
      message.rapidpro_channel,
      message.urn,
      message.text,
      message.status,
      message.status_reason,
    ]);
  }

  async markPublished(messageIds: string[]): Promise<void> {
    await this.db.query(chtMessageQueries.markPublished, [messageIds]);
  }

  findByIds(messageIds: string[]): Promise<ChtMessageRow[]> {
    return this.db.query(chtMessageQueries.findByIds, [messageIds]);
  }

  /** The row as updated, or undefined when there is none. */
  async updateStatus(
    messageId: string,
    change: { status: string; reason: string | null; at: string },
  ): Promise<ChtMessageRow | undefined> {
    const [rows] = await this.db.query<[ChtMessageRow[] | undefined, number]>(
      chtMessageQueries.updateStatus,
      [messageId, change.status, change.reason, change.at],
    );
    return rows?.[0];
  }

  async setReportedStatus(messageId: string, status: string): Promise<void> {
    await this.db.query(chtMessageQueries.setReportedStatus, [messageId, status]);
  }

  findByRapidProRef(
    manager: EntityManager,
    workspaceId: string,
    externalRef: string,
  ): Promise<ChtMessageRow[]> {
    return manager.query(chtMessageQueries.findByRapidProRef, [workspaceId, externalRef]);
  }

  /** Which of CHT's message ids the workspace has already. */
  async findKnownGatewayRefs(manager: EntityManager, workspaceId: string, refs: string[]): Promise<string[]> {
    const rows = await manager.query<{ external_ref: string }[]>(chtMessageQueries.findKnownGatewayRefs, [
      workspaceId,
      refs,
    ]);
    return rows.map((row) => row.external_ref);
  }

  /** Gateway messages stored but not published yet (failed ones excepted), oldest first. */
  findUnpublishedGateway(workspaceId: string): Promise<ChtMessageRow[]> {
    return this.db.query(chtMessageQueries.findUnpublishedGateway, [workspaceId]);
  }

  /**
   * Gateway messages whose status CHT has not been told yet, in the form `statusOf` maps them to
   * (written into the query as a CASE at `{{gatewayStatus}}`, so the caller's mapping is the only one).
   */
  findGatewayUpdates<G extends string>(
    workspaceId: string,
    statusOf: Record<string, G>,
  ): Promise<Array<Pick<ChtMessageRow, 'message_id' | 'status' | 'status_reason'> & GatewayUpdate<G>>> {
    const sql = chtMessageQueries.findGatewayUpdates.replaceAll('{{gatewayStatus}}', caseOf(statusOf));
    return this.db.query(sql, [workspaceId]);
  }

  findByBroadcast(manager: EntityManager, broadcastId: string): Promise<ChtMessageRow[]> {
    return manager.query(chtMessageQueries.findByBroadcast, [broadcastId]);
  }

  /** The newest page of the workspace's messages. */
  findPage(workspaceId: string, filters: ChtMessageFilters): Promise<ChtMessageRow[]> {
    return this.db.query(chtMessageQueries.findPage, [
      workspaceId,
      filters.broadcast ?? null,
      filters.seq ?? null,
      filters.messageId ?? null,
    ]);
  }
}

interface GatewayUpdate<G> {
  external_ref: string;
  gateway_status: G;
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A status mapping as a CASE over the status column, unmapped statuses PENDING. */
const caseOf = (statusOf: Record<string, string>): string =>
  `CASE ${Object.entries(statusOf)
    .map(([status, mapped]) => `WHEN status = ${literal(status)} THEN ${literal(mapped)}`)
    .join(' ')} ELSE 'PENDING' END`;
