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
  // Buckets of $4 seconds from $2 (the window's start); only final outbound statuses say delivered or not.
  trafficCounts: `
    SELECT date_bin(make_interval(secs => $4), created_at, $2::timestamptz) AS bucket, status, channel_id,
           count(*)::int AS n
    FROM messages
    WHERE workspace_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
    GROUP BY 1, 2, 3`,
  // Delivered outbound messages: created → delivered, per bucket and over the window (bucket null).
  trafficLatency: `
    SELECT date_bin(make_interval(secs => $4), created_at, $2::timestamptz) AS bucket,
           percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (
             ORDER BY EXTRACT(EPOCH FROM status_at - created_at) * 1000) AS p
    FROM messages
    WHERE workspace_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
      AND direction = 'out' AND status = 'delivered' AND status_at IS NOT NULL
    GROUP BY GROUPING SETS ((1), ())`,
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

  /** The workspace's messages created in [since, until), counted by bucket of `bucketSeconds`, status and channel. */
  async trafficCounts(
    workspaceId: string,
    since: Date,
    until: Date,
    bucketSeconds: number,
  ): Promise<TrafficCount[]> {
    const rows = await this.db.query<
      { bucket: Date; status: string; channel_id: string | null; n: number }[]
    >(messageViewQueries.trafficCounts, [
      workspaceId,
      since.toISOString(),
      until.toISOString(),
      bucketSeconds,
    ]);
    return rows.map((row) => ({
      bucket: row.bucket,
      status: row.status,
      channelId: row.channel_id,
      n: row.n,
    }));
  }

  /** Latency percentiles of the delivered outbound messages created in [since, until): per bucket, and overall. */
  async trafficLatency(
    workspaceId: string,
    since: Date,
    until: Date,
    bucketSeconds: number,
  ): Promise<TrafficLatency[]> {
    const rows = await this.db.query<{ bucket: Date | null; p: number[] }[]>(
      messageViewQueries.trafficLatency,
      [workspaceId, since.toISOString(), until.toISOString(), bucketSeconds],
    );
    return rows
      .filter((row) => row.p !== null)
      .map((row) => ({ bucket: row.bucket, p50: row.p[0], p90: row.p[1], p99: row.p[2] }));
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
