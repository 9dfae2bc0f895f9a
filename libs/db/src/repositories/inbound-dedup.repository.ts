import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface InboundClaimRequest {
  key: string;
  candidateId: string;
  now: Date;
}

export interface InboundClaimRow {
  key: string;
  message_id: string;
  created_at: Date;
  claimed: boolean;
  published: boolean;
}

export const inboundDedupQueries = {
  claimMany: `
    -- hot: every inbound message, per batch
    WITH input AS (
      SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS i(key, message_id, created_at)
    ), claimed AS (
      INSERT INTO inbound_dedup AS d (key, message_id, published, created_at)
      SELECT key, message_id, false, created_at FROM input
      ON CONFLICT (key) DO UPDATE
        SET message_id = EXCLUDED.message_id, published = false, created_at = EXCLUDED.created_at
        WHERE d.created_at < EXCLUDED.created_at - make_interval(secs => $4)
      RETURNING d.key, d.message_id, d.created_at
    )
    SELECT key, message_id, created_at, true AS claimed, false AS published FROM claimed
    UNION ALL
    SELECT d.key, d.message_id, d.created_at, false, d.published
    FROM inbound_dedup d JOIN input USING (key)
    WHERE d.key NOT IN (SELECT key FROM claimed)`,
  markPublished: `
    -- hot: every inbound message, per batch, once Kafka took it
    UPDATE inbound_dedup SET published = true WHERE key = ANY($1)`,
  deleteOlderThan: `
    DELETE FROM inbound_dedup WHERE created_at < now() - make_interval(secs => $1)`,
} as const;

/** Recent inbound messages by content key, so a re-posted message keeps its first id. */
@Injectable()
export class InboundDedupRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * One statement: claims new keys (and those claimed more than `windowSeconds` before their request),
   * reads the others. The keys must be distinct; a key claimed concurrently by another transaction may
   * be missing from the answer.
   */
  async claimMany(requests: InboundClaimRequest[], windowSeconds: number): Promise<InboundClaimRow[]> {
    return this.db.query<InboundClaimRow[]>(inboundDedupQueries.claimMany, [
      requests.map((r) => r.key),
      requests.map((r) => r.candidateId),
      requests.map((r) => r.now),
      windowSeconds,
    ]);
  }

  async markPublished(keys: string[]): Promise<void> {
    await this.db.query(inboundDedupQueries.markPublished, [keys]);
  }

  async deleteOlderThan(seconds: number): Promise<void> {
    await this.db.query(inboundDedupQueries.deleteOlderThan, [seconds]);
  }
}
