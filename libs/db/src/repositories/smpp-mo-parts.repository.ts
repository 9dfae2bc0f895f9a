import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The parts of one concatenated MO message share these. */
export interface MoGroupKey {
  channel: string;
  from: string;
  reference: number;
  total: number;
}

export interface NewMoPart extends MoGroupKey {
  to: string;
  /** 1-based. */
  sequence: number;
  text: string;
}

export interface MoPartRow {
  seq: number;
  text: string;
  destination: string;
  received_at: Date;
}

export const smppMoPartQueries = {
  lockGroup: `
    -- hot: per MO part, serialises the parts of one message
    SELECT pg_advisory_xact_lock(hashtext($1))`,
  tryLockGroup: `
    SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
  insert: `
    -- hot: per MO part, stored before the SMSC gets its answer
    INSERT INTO smpp_mo_parts (channel_id, source, destination, reference, total, seq, text)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
  findGroup: `
    -- hot: per MO part, whether its message is complete
    SELECT seq, text, destination, received_at FROM smpp_mo_parts
     WHERE channel_id = $1 AND source = $2 AND reference = $3 AND total = $4 ORDER BY seq`,
  deleteGroup: `
    -- hot: per completed MO message
    DELETE FROM smpp_mo_parts WHERE channel_id = $1 AND source = $2 AND reference = $3 AND total = $4`,
  findStaleGroups: `
    SELECT channel_id, source, reference, total FROM smpp_mo_parts
     GROUP BY channel_id, source, reference, total
    HAVING min(received_at) < now() - make_interval(secs => $1) LIMIT 100`,
} as const;

/**
 * Parts of concatenated MO messages waiting for the rest (smpp_mo_parts). Methods taking an
 * EntityManager run in the caller's transaction, whose advisory lock on the group they rely on.
 */
@Injectable()
export class SmppMoPartsRepository {
  constructor(private readonly db: DataSource) {}

  /** Waits for the group's transaction-scoped lock. */
  async lockGroup(manager: EntityManager, key: MoGroupKey): Promise<void> {
    await manager.query(smppMoPartQueries.lockGroup, [lockKey(key)]);
  }

  /** Takes the group's transaction-scoped lock if nobody holds it. */
  async tryLockGroup(manager: EntityManager, key: MoGroupKey): Promise<boolean> {
    const [{ locked }] = await manager.query<{ locked: boolean }[]>(smppMoPartQueries.tryLockGroup, [
      lockKey(key),
    ]);
    return locked;
  }

  /** Stores a part; one stored before stays as it is. */
  async insert(manager: EntityManager, part: NewMoPart): Promise<void> {
    await manager.query(smppMoPartQueries.insert, [
      part.channel,
      part.from,
      part.to,
      part.reference,
      part.total,
      part.sequence,
      part.text,
    ]);
  }

  findGroup(manager: EntityManager, key: MoGroupKey): Promise<MoPartRow[]> {
    return manager.query(smppMoPartQueries.findGroup, groupParams(key));
  }

  async deleteGroup(manager: EntityManager, key: MoGroupKey): Promise<void> {
    await manager.query(smppMoPartQueries.deleteGroup, groupParams(key));
  }

  /** Up to 100 groups whose first part arrived more than `timeoutSeconds` ago. */
  async findStaleGroups(timeoutSeconds: number): Promise<MoGroupKey[]> {
    const rows = await this.db.query<
      { channel_id: string; source: string; reference: number; total: number }[]
    >(smppMoPartQueries.findStaleGroups, [timeoutSeconds]);
    return rows.map((row) => ({
      channel: row.channel_id,
      from: row.source,
      reference: row.reference,
      total: row.total,
    }));
  }
}

const lockKey = (key: MoGroupKey) => `smpp-mo:${key.channel}:${key.from}:${key.reference}:${key.total}`;

const groupParams = (key: MoGroupKey) => [key.channel, key.from, key.reference, key.total];
