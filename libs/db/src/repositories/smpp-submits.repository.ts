import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A part of a message the SMSC acknowledged. */
export interface SmppSubmittedPart {
  index: number;
  count: number;
  smscMessageId: string;
}

export interface SmppSubmitRecord {
  messageId: string;
  channelId: string;
  part: SmppSubmittedPart;
}

export const smppSubmitQueries = {
  findByMessages: `
    -- hot: before each SMPP submit, one read per batch of concurrent messages
    SELECT message_id, part_index, part_count, smsc_message_id FROM smpp_submits
     WHERE message_id = ANY($1::uuid[]) ORDER BY part_index`,
  insertMany: `
    -- hot: as the SMSC acknowledges parts, one write per batch of parts
    INSERT INTO smpp_submits (message_id, part_index, part_count, channel_id, smsc_message_id)
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::uuid[], $5::text[])
    ON CONFLICT DO NOTHING`,
} as const;

/** The submit_sm the SMSC acknowledged, by message id and part (smpp_submits). */
@Injectable()
export class SmppSubmitsRepository {
  constructor(private readonly db: DataSource) {}

  /** Each message's acknowledged parts, in the order of `messageIds`, parts by index. */
  async findByMessages(messageIds: string[]): Promise<SmppSubmittedPart[][]> {
    const rows = await this.db.query<
      { message_id: string; part_index: number; part_count: number; smsc_message_id: string }[]
    >(smppSubmitQueries.findByMessages, [messageIds]);
    const byMessage = new Map<string, SmppSubmittedPart[]>();
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({ index: row.part_index, count: row.part_count, smscMessageId: row.smsc_message_id });
      byMessage.set(row.message_id, list);
    }
    return messageIds.map((id) => byMessage.get(id) ?? []);
  }

  /** Records acknowledged parts; a part recorded before stays as it is. */
  async insertMany(records: SmppSubmitRecord[]): Promise<void> {
    await this.db.query(smppSubmitQueries.insertMany, [
      records.map((record) => record.messageId),
      records.map((record) => record.part.index),
      records.map((record) => record.part.count),
      records.map((record) => record.channelId),
      records.map((record) => record.part.smscMessageId),
    ]);
  }
}
