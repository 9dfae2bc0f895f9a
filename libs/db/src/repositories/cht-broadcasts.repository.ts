import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface ChtBroadcastRow {
  id: string;
  uuid: string;
  urns: string[];
  text: string;
  created_at: Date;
}

export const chtBroadcastQueries = {
  findByKey: `
    -- hot: per broadcast request
    SELECT id, uuid, urns, text, created_at FROM cht_broadcasts
     WHERE workspace_id = $1 AND idempotency_key = $2
       AND ($3 OR created_at > now() - make_interval(secs => $4))
     ORDER BY created_at DESC LIMIT 1`,
  insert: `
    -- hot: per broadcast created
    INSERT INTO cht_broadcasts (uuid, workspace_id, idempotency_key, text, urns)
    VALUES ($1, $2, $3, $4, $5) RETURNING id, uuid, urns, text, created_at`,
} as const;

/** Broadcasts made through RapidPro's API (cht_broadcasts); run in the caller's transaction. */
@Injectable()
export class ChtBroadcastsRepository {
  /**
   * The newest broadcast under the idempotency key: any age when `keepForever` (an explicit key),
   * else made within the last `windowSeconds`.
   */
  async findByKey(
    manager: EntityManager,
    key: { workspaceId: string; idempotencyKey: string; keepForever: boolean; windowSeconds: number },
  ): Promise<ChtBroadcastRow | undefined> {
    const rows = await manager.query<ChtBroadcastRow[]>(chtBroadcastQueries.findByKey, [
      key.workspaceId,
      key.idempotencyKey,
      key.keepForever,
      key.windowSeconds,
    ]);
    return rows[0];
  }

  async insert(
    manager: EntityManager,
    broadcast: { uuid: string; workspaceId: string; idempotencyKey: string; text: string; urns: string[] },
  ): Promise<ChtBroadcastRow> {
    const [row] = await manager.query<ChtBroadcastRow[]>(chtBroadcastQueries.insert, [
      broadcast.uuid,
      broadcast.workspaceId,
      broadcast.idempotencyKey,
      broadcast.text,
      broadcast.urns,
    ]);
    return row;
  }
}
