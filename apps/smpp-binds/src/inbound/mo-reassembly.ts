import { Injectable } from '@nestjs/common';
import { InboundReceivedV1, stableId, Topics } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { DataSource, EntityManager } from 'typeorm';

export interface MoPart {
  workspace: string;
  channel: string;
  from: string;
  to: string;
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
  text: string;
}

interface PartRow {
  seq: number;
  text: string;
  destination: string;
  received_at: Date;
}

/**
 * Reassembles concatenated MO messages durably: each part is stored in PostgreSQL before the SMSC
 * gets its deliver_sm_resp, and the part that completes a message publishes it (awaiting Kafka's
 * acknowledgement) in the same transaction that deletes the parts. If Kafka fails, the transaction
 * rolls back and the SMSC gets a temporary error for that part, so it delivers it again.
 */
@Injectable()
export class MoReassembly {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  /** Stores one part; publishes the whole message when it was the last one missing. */
  async add(part: MoPart): Promise<'stored' | 'completed'> {
    return this.dataSource.transaction(async (db) => {
      await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [groupKey(part)]);
      await db.query(
        `INSERT INTO smpp_mo_parts (channel_id, source, destination, reference, total, seq, text)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [part.channel, part.from, part.to, part.reference, part.total, part.sequence, part.text],
      );
      const rows = await this.partsOf(db, part);
      if (rows.length < part.total) return 'stored';
      await this.publishAndDelete(db, { ...part, rows, complete: true });
      return 'completed';
    });
  }

  /** Publishes the groups whose first part is older than the timeout with what arrived; returns how many. */
  async sweep(
    timeoutSeconds: number,
    workspaceOf: (channel: string) => Promise<string | undefined>,
  ): Promise<number> {
    const groups = await this.dataSource.query<
      { channel_id: string; source: string; reference: number; total: number }[]
    >(
      `SELECT channel_id, source, reference, total FROM smpp_mo_parts
       GROUP BY channel_id, source, reference, total
       HAVING min(received_at) < now() - make_interval(secs => $1) LIMIT 100`,
      [timeoutSeconds],
    );
    let published = 0;
    for (const group of groups) {
      const workspace = await workspaceOf(group.channel_id);
      await this.dataSource.transaction(async (db) => {
        const key = {
          channel: group.channel_id,
          from: group.source,
          reference: group.reference,
          total: group.total,
        };
        const [{ locked }] = await db.query<{ locked: boolean }[]>(
          `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
          [groupKey(key)],
        );
        if (!locked) return;
        const rows = await this.partsOf(db, key);
        if (rows.length === 0) return;
        if (!workspace) {
          // The channel is gone: nobody can receive these parts.
          await this.deleteGroup(db, key);
          return;
        }
        await this.publishAndDelete(db, { ...key, workspace, rows, complete: false });
        published += 1;
      });
    }
    return published;
  }

  private partsOf(db: EntityManager, key: GroupKey): Promise<PartRow[]> {
    return db.query<PartRow[]>(
      `SELECT seq, text, destination, received_at FROM smpp_mo_parts
       WHERE channel_id = $1 AND source = $2 AND reference = $3 AND total = $4 ORDER BY seq`,
      [key.channel, key.from, key.reference, key.total],
    );
  }

  private deleteGroup(db: EntityManager, key: GroupKey): Promise<unknown> {
    return db.query(
      `DELETE FROM smpp_mo_parts WHERE channel_id = $1 AND source = $2 AND reference = $3 AND total = $4`,
      [key.channel, key.from, key.reference, key.total],
    );
  }

  private async publishAndDelete(
    db: EntityManager,
    group: GroupKey & { workspace: string; rows: PartRow[]; complete: boolean },
  ): Promise<void> {
    const first = group.rows[0];
    const event: InboundReceivedV1 = {
      // The same parts give the same id, so a publish repeated after a failed commit is recognised.
      id: stableId(
        'smpp-mo',
        group.channel,
        group.from,
        group.reference,
        group.total,
        first.received_at.toISOString(),
      ),
      workspace: group.workspace,
      channel: group.channel,
      channelType: 'smpp',
      from: group.from,
      to: first.destination || undefined,
      text: group.rows.map((row) => row.text).join(''),
      receivedAt: new Date().toISOString(),
      metadata: {
        smppParts: `${group.rows.length}/${group.total}`,
        ...(group.complete ? {} : { smppIncomplete: group.rows.map((row) => row.seq).join(',') }),
      },
    };
    await this.publisher.publish(Topics.inboundReceived, event, { key: group.channel });
    await this.deleteGroup(db, group);
  }
}

interface GroupKey {
  channel: string;
  from: string;
  reference: number;
  total: number;
}

const groupKey = (key: GroupKey) => `smpp-mo:${key.channel}:${key.from}:${key.reference}:${key.total}`;
