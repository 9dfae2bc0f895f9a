import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Identical messages with one number in one direction. */
export interface LoopCounterKey {
  workspaceId: string;
  address: string;
  direction: 'in' | 'out';
  textHash: string;
}

export const chtLoopCounterQueries = {
  increment: `
    -- hot: per message relayed in either direction
    INSERT INTO cht_loop_counters AS c (workspace_id, address, direction, text_hash, window_start, count)
    VALUES ($1, $2, $3, $4, now(), 1)
    ON CONFLICT (workspace_id, address, direction, text_hash) DO UPDATE SET
      count = CASE WHEN c.window_start < now() - make_interval(secs => $5) THEN 1 ELSE c.count + 1 END,
      window_start = CASE WHEN c.window_start < now() - make_interval(secs => $5) THEN now() ELSE c.window_start END
    RETURNING count`,
  deleteEnded: `
    DELETE FROM cht_loop_counters WHERE window_start < now() - make_interval(secs => $1)`,
} as const;

/** Counters of identical messages per fixed window (cht_loop_counters), for telling message loops. */
@Injectable()
export class ChtLoopCountersRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Counts one more message in the key's window (a new window when it ended) and returns the count;
   * one upsert, atomic across processes. Inside a transaction pass its manager.
   */
  async increment(
    key: LoopCounterKey,
    windowSeconds: number,
    manager: EntityManager = this.db.manager,
  ): Promise<number> {
    const rows = await manager.query<{ count: number }[]>(chtLoopCounterQueries.increment, [
      key.workspaceId,
      key.address,
      key.direction,
      key.textHash,
      windowSeconds,
    ]);
    return rows[0]?.count ?? 0;
  }

  async deleteEnded(windowSeconds: number): Promise<void> {
    await this.db.query(chtLoopCounterQueries.deleteEnded, [windowSeconds]);
  }
}
