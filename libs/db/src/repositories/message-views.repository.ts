import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessageEventEntity } from '../entities/message-event.entity';
import { MessageEntity } from '../entities/message.entity';
import { MessagePartEntity } from '../entities/message-part.entity';

/** The filters of a page of a workspace's messages; each one optional. */
export interface MessageListFilter {
  status?: string;
  correlationId?: string;
  to?: string;
  channel?: string;
  direction?: string;
  since?: string;
  until?: string;
  /** Only messages older (smaller id) than this one: the page after it. */
  before?: string;
}

export const messageViewQueries = {
  countByStatusAndChannel: `
    SELECT status, channel_id, count(*) AS n, count(attachments) AS media FROM messages
    WHERE workspace_id = $1 AND created_at >= $2 AND ($3::timestamptz IS NULL OR created_at < $3)
    GROUP BY status, channel_id`,
  // The window [$2, $3) in buckets of $4 seconds from $2, read once: messages counted by bucket, status and
  // channel (`kind` count), and the latency percentiles (created → delivered, ms; a status stamped before
  // the message was created counts as 0) of delivered outbound messages per bucket and over the whole
  // window (`kind` latency; bucket null).
  traffic: `
    WITH in_window AS MATERIALIZED (
      SELECT date_bin(make_interval(secs => $4), created_at, $2::timestamptz) AS bucket, status, channel_id,
             CASE WHEN direction = 'out' AND status = 'delivered' AND status_at IS NOT NULL
                  THEN EXTRACT(EPOCH FROM GREATEST(status_at - created_at, interval '0'))::float8 * 1000
             END AS latency_ms
      FROM messages
      WHERE workspace_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
    )
    SELECT 'count' AS kind, bucket, status, channel_id, count(*)::int AS n, NULL::float8[] AS p
    FROM in_window GROUP BY bucket, status, channel_id
    UNION ALL
    SELECT 'latency', bucket, NULL, NULL, count(*)::int,
           percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
    FROM in_window WHERE latency_ms IS NOT NULL
    GROUP BY GROUPING SETS ((bucket), ())`,
} as const;

export interface TrafficCount {
  bucket: Date;
  status: string;
  channelId: string | null;
  n: number;
}

/** Delivery latency percentiles (ms) of a bucket, or of the whole window (`bucket` null). */
export interface TrafficLatency {
  bucket: Date | null;
  p50: number;
  p90: number;
  p99: number;
}

/** Messages as the HTTP API shows them to their workspace: one with its history and parts, pages, counts. */
@Injectable()
export class MessageViewsRepository {
  constructor(private readonly db: DataSource) {}

  findInWorkspace(id: string, workspaceId: string): Promise<MessageEntity | null> {
    return this.db.getRepository(MessageEntity).findOne({ where: { id, workspaceId } });
  }

  /** The message's history, oldest first. */
  historyOf(messageId: string): Promise<MessageEventEntity[]> {
    return this.db
      .getRepository(MessageEventEntity)
      .find({ where: { messageId }, order: { at: 'ASC', eventId: 'ASC' } });
  }

  partsOf(messageId: string): Promise<MessagePartEntity[]> {
    return this.db
      .getRepository(MessagePartEntity)
      .find({ where: { messageId }, order: { partIndex: 'ASC' } });
  }

  /** Up to `limit` of the workspace's messages, newest (largest id) first. */
  list(workspaceId: string, filter: MessageListFilter, limit: number): Promise<MessageEntity[]> {
    const builder = this.db
      .getRepository(MessageEntity)
      .createQueryBuilder('m')
      .where('m.workspace_id = :workspace', { workspace: workspaceId })
      .orderBy('m.id', 'DESC')
      .take(limit);
    if (filter.status) builder.andWhere('m.status = :status', { status: filter.status });
    if (filter.correlationId)
      builder.andWhere('m.correlation_id = :correlationId', { correlationId: filter.correlationId });
    if (filter.to) builder.andWhere('m.to_addr = :to', { to: filter.to });
    if (filter.channel) builder.andWhere('m.channel_id = :channel', { channel: filter.channel });
    if (filter.direction) builder.andWhere('m.direction = :direction', { direction: filter.direction });
    if (filter.since) builder.andWhere('m.created_at >= :since', { since: filter.since });
    if (filter.until) builder.andWhere('m.created_at < :until', { until: filter.until });
    if (filter.before) builder.andWhere('m.id < :cursor', { cursor: filter.before });
    return builder.getMany();
  }

  /**
   * The workspace's messages created in [since, until), in buckets of `bucketSeconds` from `since`: counted
   * by bucket, status and channel, and the delivery latency percentiles per bucket and overall. One query.
   */
  async traffic(
    workspaceId: string,
    since: Date,
    until: Date,
    bucketSeconds: number,
  ): Promise<{ counts: TrafficCount[]; latencies: TrafficLatency[] }> {
    const rows = await this.db.query<
      {
        kind: 'count' | 'latency';
        bucket: Date | null;
        status: string | null;
        channel_id: string | null;
        n: number;
        p: number[] | null;
      }[]
    >(messageViewQueries.traffic, [workspaceId, since.toISOString(), until.toISOString(), bucketSeconds]);
    const counts: TrafficCount[] = [];
    const latencies: TrafficLatency[] = [];
    for (const row of rows) {
      if (row.kind === 'count')
        counts.push({ bucket: row.bucket!, status: row.status!, channelId: row.channel_id, n: row.n });
      // Over an empty window the overall row has no percentiles.
      else if (row.p !== null)
        latencies.push({ bucket: row.bucket, p50: row.p[0], p90: row.p[1], p99: row.p[2] });
    }
    return { counts, latencies };
  }

  /** How many of the workspace's messages were created in [since, until), by status and channel. */
  async countByStatusAndChannel(
    workspaceId: string,
    since: string,
    until: string | null,
  ): Promise<{ status: string; channel_id: string | null; n: number; media: number }[]> {
    const rows = await this.db.query<
      { status: string; channel_id: string | null; n: string; media: string }[]
    >(messageViewQueries.countByStatusAndChannel, [workspaceId, since, until]);
    return rows.map((row) => ({ ...row, n: Number(row.n), media: Number(row.media) }));
  }
}
