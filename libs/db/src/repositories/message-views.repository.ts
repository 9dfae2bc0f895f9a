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
} as const;

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
