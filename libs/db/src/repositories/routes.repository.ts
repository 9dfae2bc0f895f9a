import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RouteEntity } from '../entities/route.entity';

export type RouteRecord = Pick<RouteEntity, keyof RouteEntity>;
export type RouteRule = Pick<RouteEntity, 'prefix' | 'country' | 'channels'>;
export type NewRoute = Omit<RouteRecord, 'createdAt'>;

export const routeQueries = {
  insert: `
    INSERT INTO routes (id, workspace_id, prefix, country, channels)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING created_at`,
  listByWorkspace: `
    SELECT id, workspace_id AS "workspaceId", prefix, country, channels, created_at AS "createdAt"
      FROM routes
     WHERE workspace_id = $1
     ORDER BY id`,
  delete: `
    DELETE FROM routes WHERE id = $1 AND workspace_id = $2`,
  rulesOf: `
    -- hot: a workspace's rules, per message sent without a channel on a cache miss
    SELECT prefix, country, channels FROM routes WHERE workspace_id = $1 ORDER BY id`,
} as const;

/** Workspace routing rules: a prefix or a country (or neither, the default) and channels in failover order. */
@Injectable()
export class RoutesRepository {
  constructor(private readonly db: DataSource) {}

  async insert(route: NewRoute): Promise<RouteRecord> {
    const [row] = await this.db.query<Array<{ created_at: Date }>>(routeQueries.insert, [
      route.id,
      route.workspaceId,
      route.prefix,
      route.country,
      route.channels,
    ]);
    return { ...route, createdAt: row.created_at };
  }

  async listByWorkspace(workspaceId: string): Promise<RouteRecord[]> {
    return this.db.query<RouteRecord[]>(routeQueries.listByWorkspace, [workspaceId]);
  }

  /** False when the workspace has no route `id` (a UUID). */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(routeQueries.delete, [id, workspaceId]);
    return affected > 0;
  }

  async rulesOf(workspaceId: string): Promise<RouteRule[]> {
    return this.db.query<RouteRule[]>(routeQueries.rulesOf, [workspaceId]);
  }
}
