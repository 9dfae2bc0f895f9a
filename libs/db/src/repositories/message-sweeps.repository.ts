import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A message handed to its provider that has waited for the final report longer than its channel allows. */
export interface OverdueMessage {
  id: string;
  workspaceId: string;
  channelId: string;
  channelType: string;
  status: 'wired' | 'sent';
  attempt: number;
  /** When it got to `status`: the wait is counted from here. */
  awaitingSince: Date;
  timeoutSeconds: number;
}

/** An outbound message past its expiresAt without a final state. */
export interface ExpiredMessage {
  id: string;
  workspace_id: string;
  channel_id: string | null;
  expires_at: Date;
}

export const messageSweepQueries = {
  findExpired: `
    SELECT id, workspace_id, channel_id, expires_at FROM messages
    WHERE expires_at <= now() AND status IN ('accepted', 'queued', 'wired', 'sent', 'errored')
      AND NOT (id = ANY($1::uuid[]))
    ORDER BY expires_at LIMIT $2`,
  /** $1 the default timeout in seconds, $2 the most rows, $3 message ids to leave out. */
  findOverdueReceipts: `
    SELECT m.id, m.workspace_id, m.channel_id, c.type AS channel_type, m.status, m.attempt, m.status_at,
           c.timeout_s
    FROM (
      SELECT id, type,
             CASE WHEN jsonb_typeof(config -> 'receipt_timeout_seconds') = 'number'
                       AND (config ->> 'receipt_timeout_seconds')::numeric >= 0
                  THEN floor((config ->> 'receipt_timeout_seconds')::numeric)
                  ELSE $1::numeric END AS timeout_s
      FROM channels) c
    CROSS JOIN LATERAL (
      SELECT id, workspace_id, channel_id, status, attempt, status_at FROM messages
      WHERE channel_id = c.id AND status IN ('wired', 'sent')
        AND status_at <= now() - make_interval(secs => c.timeout_s::double precision)
        AND NOT (id = ANY($3::uuid[]))
      ORDER BY status_at LIMIT $2) m
    WHERE c.timeout_s > 0
    ORDER BY m.status_at LIMIT $2`,
} as const;

/**
 * The sweepers' reads: messages past their expiry, and messages whose final report is overdue. A
 * channel's receipt timeout is `config.receipt_timeout_seconds` (0: off), else the default: the same
 * reading as `receiptTimeoutOf` in libs/channel-config. Every channel is probed once on
 * `messages_awaiting_receipt` (channel, time it got there) for its oldest overdue messages, so a round
 * costs one index range scan per channel, whatever the table's size.
 */
@Injectable()
export class MessageSweepsRepository {
  constructor(private readonly db: DataSource) {}

  /** Up to `limit` expired messages, soonest expired first, less those in `skip`. */
  findExpired(limit: number, skip: readonly string[]): Promise<ExpiredMessage[]> {
    return this.db.query<ExpiredMessage[]>(messageSweepQueries.findExpired, [skip, limit]);
  }

  async findOverdueReceipts(
    limit: number,
    defaultSeconds: number,
    skip: readonly string[],
  ): Promise<OverdueMessage[]> {
    const rows = await this.db.query<
      {
        id: string;
        workspace_id: string;
        channel_id: string;
        channel_type: string;
        status: 'wired' | 'sent';
        attempt: number;
        status_at: Date;
        timeout_s: string;
      }[]
    >(messageSweepQueries.findOverdueReceipts, [defaultSeconds, limit, skip]);
    return rows.map((row) => ({
      id: row.id,
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      channelType: row.channel_type,
      status: row.status,
      attempt: row.attempt,
      awaitingSince: row.status_at,
      timeoutSeconds: Number(row.timeout_s),
    }));
  }
}
