import { Injectable, Logger } from '@nestjs/common';
import { MicroBatcher, untilDone, warnSometimes } from '@smsgate/runtime';
import { DataSource } from 'typeorm';

export interface SubmittedPart {
  index: number;
  count: number;
  smscMessageId: string;
}

interface Record {
  messageId: string;
  channelId: string;
  part: SubmittedPart;
}

/**
 * The submit_sm the SMSC acknowledged, by message id and part. Written as each part is accepted,
 * read before submitting: a message replayed after a crash (offsets are committed only after the
 * SMSC answered) submits only the parts the SMSC has not acknowledged yet. Reads and writes of
 * concurrent messages are batched into one round trip each.
 *
 * A write that fails (PostgreSQL restarting) is repeated until it lands, holding the message's
 * handler: a part the SMSC acknowledged must never look unsubmitted to a later replay.
 */
@Injectable()
export class SubmitLedger {
  private readonly logger = new Logger(SubmitLedger.name);
  private readonly reads: MicroBatcher<string, SubmittedPart[]>;
  private readonly writes: MicroBatcher<Record, void>;

  constructor(private readonly dataSource: DataSource) {
    this.reads = new MicroBatcher((ids) => this.read(ids), { maxBatch: 500, maxInFlight: 2 });
    this.writes = new MicroBatcher((records) => this.write(records), { maxBatch: 500, maxInFlight: 2 });
  }

  partsOf(messageId: string): Promise<SubmittedPart[]> {
    return this.reads.submit(messageId);
  }

  record(messageId: string, channelId: string, part: SubmittedPart): Promise<void> {
    return untilDone(() => this.writes.submit({ messageId, channelId, part }), {
      onFailure: warnSometimes(
        (line) => this.logger.warn(line),
        `recording the acknowledged part ${part.index} of ${messageId}`,
        'the part is not submitted again',
      ),
    });
  }

  private async read(ids: string[]): Promise<SubmittedPart[][]> {
    const rows = await this.dataSource.query<
      { message_id: string; part_index: number; part_count: number; smsc_message_id: string }[]
    >(
      `SELECT message_id, part_index, part_count, smsc_message_id FROM smpp_submits
       WHERE message_id = ANY($1::uuid[]) ORDER BY part_index`,
      [ids],
    );
    const byMessage = new Map<string, SubmittedPart[]>();
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({ index: row.part_index, count: row.part_count, smscMessageId: row.smsc_message_id });
      byMessage.set(row.message_id, list);
    }
    return ids.map((id) => byMessage.get(id) ?? []);
  }

  private async write(records: Record[]): Promise<void[]> {
    await this.dataSource.query(
      `INSERT INTO smpp_submits (message_id, part_index, part_count, channel_id, smsc_message_id)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::uuid[], $5::text[])
       ON CONFLICT DO NOTHING`,
      [
        records.map((record) => record.messageId),
        records.map((record) => record.part.index),
        records.map((record) => record.part.count),
        records.map((record) => record.channelId),
        records.map((record) => record.part.smscMessageId),
      ],
    );
    return records.map(() => undefined);
  }
}
