import { Injectable } from '@nestjs/common';
import { ChannelType, InboundReceivedV1, stableId, Topics } from '@smsgate/contracts';
import { MoGroupKey, MoPartRow, SmppMoPartsRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { DataSource, EntityManager } from 'typeorm';

export interface MoPart {
  workspace: string;
  channel: string;
  channelType: ChannelType;
  from: string;
  to: string;
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
  text: string;
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
    private readonly parts: SmppMoPartsRepository,
    private readonly publisher: EventPublisher,
  ) {}

  /** Stores one part; publishes the whole message when it was the last one missing. */
  async add(part: MoPart): Promise<'stored' | 'completed'> {
    return this.dataSource.transaction(async (db) => {
      await this.parts.lockGroup(db, part);
      await this.parts.insert(db, part);
      const rows = await this.parts.findGroup(db, part);
      if (rows.length < part.total) return 'stored';
      await this.publishAndDelete(db, { ...part, rows, complete: true });
      return 'completed';
    });
  }

  /** Publishes the groups whose first part is older than the timeout with what arrived; returns how many. */
  async sweep(
    timeoutSeconds: number,
    channelOf: (channel: string) => Promise<{ workspace: string; type: ChannelType } | undefined>,
  ): Promise<number> {
    const groups = await this.parts.findStaleGroups(timeoutSeconds);
    let published = 0;
    for (const key of groups) {
      const owner = await channelOf(key.channel);
      await this.dataSource.transaction(async (db) => {
        if (!(await this.parts.tryLockGroup(db, key))) return;
        const rows = await this.parts.findGroup(db, key);
        if (rows.length === 0) return;
        if (!owner) {
          // The channel is gone: nobody can receive these parts.
          await this.parts.deleteGroup(db, key);
          return;
        }
        await this.publishAndDelete(db, {
          ...key,
          workspace: owner.workspace,
          channelType: owner.type,
          rows,
          complete: false,
        });
        published += 1;
      });
    }
    return published;
  }

  private async publishAndDelete(
    db: EntityManager,
    group: MoGroupKey & { workspace: string; channelType: ChannelType; rows: MoPartRow[]; complete: boolean },
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
      channelType: group.channelType,
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
    await this.parts.deleteGroup(db, group);
  }
}
