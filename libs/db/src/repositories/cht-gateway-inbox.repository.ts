import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChtGatewayInboxRow {
  message_id: string;
  from_addr: string;
  content: string;
  received_at: Date;
}

export const chtGatewayInboxQueries = {
  insert: `
    -- hot: per inbound message for a CHT in gateway mode
    INSERT INTO cht_gateway_inbox (message_id, workspace_id, from_addr, content, received_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
  findPending: `
    SELECT message_id, from_addr, content, received_at FROM cht_gateway_inbox
     WHERE workspace_id = $1 AND delivered_at IS NULL ORDER BY received_at LIMIT 100`,
  markDelivered: `
    UPDATE cht_gateway_inbox SET delivered_at = now() WHERE message_id = ANY($1::uuid[])`,
  deleteDelivered: `
    DELETE FROM cht_gateway_inbox WHERE delivered_at < now() - make_interval(days => $1)`,
} as const;

/** Inbound messages waiting for the next poll of a CHT in gateway mode (cht_gateway_inbox). */
@Injectable()
export class ChtGatewayInboxRepository {
  constructor(private readonly db: DataSource) {}

  /** Stores a message for the workspace's CHT; one stored before stays as it is. */
  async insert(message: {
    messageId: string;
    workspaceId: string;
    from: string;
    content: string;
    receivedAt: string;
  }): Promise<void> {
    await this.db.query(chtGatewayInboxQueries.insert, [
      message.messageId,
      message.workspaceId,
      message.from,
      message.content,
      message.receivedAt,
    ]);
  }

  /** Up to 100 messages CHT has not taken yet, oldest first. */
  findPending(workspaceId: string): Promise<ChtGatewayInboxRow[]> {
    return this.db.query(chtGatewayInboxQueries.findPending, [workspaceId]);
  }

  async markDelivered(messageIds: string[]): Promise<void> {
    await this.db.query(chtGatewayInboxQueries.markDelivered, [messageIds]);
  }

  async deleteDelivered(olderThanDays: number): Promise<void> {
    await this.db.query(chtGatewayInboxQueries.deleteDelivered, [olderThanDays]);
  }
}
