import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ChannelType } from '@smsgate/contracts';
import type { ChannelEntity } from '../entities/channel.entity';

/** A channel as stored: `secrets` sealed with SecretBox. */
export type ChannelRecord = Pick<ChannelEntity, keyof ChannelEntity>;

export type NewChannel = Pick<
  ChannelRecord,
  | 'id'
  | 'workspaceId'
  | 'type'
  | 'name'
  | 'address'
  | 'country'
  | 'config'
  | 'secrets'
  | 'secretFields'
  | 'enabled'
>;

/** The fields a PATCH may set; an absent field is left as it is, a null one is cleared. */
export type ChannelChanges = Partial<
  Pick<ChannelRecord, 'name' | 'address' | 'country' | 'config' | 'secrets' | 'secretFields' | 'enabled'>
>;

/** Which workspace a channel belongs to, and its type: the owner check of events that name a channel. */
export interface ChannelOwner {
  id: string;
  workspace_id: string;
  type: string;
}

const columns = `id, workspace_id AS "workspaceId", type, name, address, country, config, secrets,
           secret_fields AS "secretFields", enabled, created_at AS "createdAt", updated_at AS "updatedAt",
           deleted_at AS "deletedAt"`;

export const channelQueries = {
  insert: `
    INSERT INTO channels (id, workspace_id, type, name, address, country, config, secrets, secret_fields, enabled)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    RETURNING ${columns}`,
  listByWorkspace: `
    SELECT ${columns}
      FROM channels
     WHERE workspace_id = $1 AND deleted_at IS NULL
     ORDER BY id`,
  findOwned: `
    SELECT ${columns}
      FROM channels
     WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
  ownedIds: `
    SELECT id
      FROM channels
     WHERE id = ANY($1::uuid[]) AND workspace_id = $2 AND deleted_at IS NULL`,
  update: `
    UPDATE channels
       SET name = CASE WHEN $3::jsonb ? 'name' THEN $3::jsonb->>'name' ELSE name END,
           address = CASE WHEN $3::jsonb ? 'address' THEN $3::jsonb->>'address' ELSE address END,
           country = CASE WHEN $3::jsonb ? 'country' THEN $3::jsonb->>'country' ELSE country END,
           config = CASE WHEN $3::jsonb ? 'config' THEN $3::jsonb->'config' ELSE config END,
           secrets = CASE WHEN $3::jsonb ? 'secrets' THEN $3::jsonb->>'secrets' ELSE secrets END,
           secret_fields = CASE WHEN $3::jsonb ? 'secretFields'
                                THEN ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'secretFields'))
                                ELSE secret_fields END,
           enabled = CASE WHEN $3::jsonb ? 'enabled' THEN ($3::jsonb->>'enabled')::boolean ELSE enabled END,
           updated_at = now()
     WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
  softDelete: `
    UPDATE channels
       SET deleted_at = now(), updated_at = now()
     WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
  findById: `
    -- hot: a message's channel, per message on a cache miss (deleted ones too: the caller decides)
    SELECT ${columns}
      FROM channels
     WHERE id = $1`,
  listEnabledOfType: `
    SELECT ${columns}
      FROM channels
     WHERE type = $1 AND enabled AND deleted_at IS NULL`,
  findOwners: `
    -- hot: every consumed batch that names channels (they must belong to the event's workspace)
    SELECT id, workspace_id, type FROM channels WHERE id = ANY($1::uuid[])`,
} as const;

/**
 * Channels with their sealed secrets. Services read them through ChannelStore (cached, secrets opened);
 * this is the SQL under it and under the channels API.
 */
@Injectable()
export class ChannelsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(channel: NewChannel): Promise<ChannelRecord> {
    const [row] = await this.db.query<ChannelRecord[]>(channelQueries.insert, [
      channel.id,
      channel.workspaceId,
      channel.type,
      channel.name,
      channel.address,
      channel.country,
      channel.config,
      channel.secrets,
      channel.secretFields,
      channel.enabled,
    ]);
    return row;
  }

  async listByWorkspace(workspaceId: string): Promise<ChannelRecord[]> {
    return this.db.query<ChannelRecord[]>(channelQueries.listByWorkspace, [workspaceId]);
  }

  /** The workspace's channel unless it is deleted; the id must be a UUID. */
  async findOwned(workspaceId: string, id: string): Promise<ChannelRecord | null> {
    const rows = await this.db.query<ChannelRecord[]>(channelQueries.findOwned, [id, workspaceId]);
    return rows[0] ?? null;
  }

  /** Which of `ids` are channels of the workspace, not deleted. */
  async ownedIds(workspaceId: string, ids: string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(channelQueries.ownedIds, [ids, workspaceId]);
    return rows.map((row) => row.id);
  }

  /** Applies `changes` if the channel is still there (not deleted); false when it is not. */
  async update(workspaceId: string, id: string, changes: ChannelChanges): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(channelQueries.update, [
      id,
      workspaceId,
      JSON.stringify(changes),
    ]);
    return affected > 0;
  }

  /** One statement: of two racing, one gets true. */
  async softDelete(workspaceId: string, id: string): Promise<boolean> {
    const [, affected] = await this.db.query<[unknown, number]>(channelQueries.softDelete, [id, workspaceId]);
    return affected > 0;
  }

  /** The channel, deleted or not; the id must be a UUID. */
  async findById(id: string): Promise<ChannelRecord | null> {
    const rows = await this.db.query<ChannelRecord[]>(channelQueries.findById, [id]);
    return rows[0] ?? null;
  }

  /** Every enabled, not deleted channel of `type`. */
  async listEnabledOfType(type: ChannelType): Promise<ChannelRecord[]> {
    return this.db.query<ChannelRecord[]>(channelQueries.listEnabledOfType, [type]);
  }

  /** The channels of these ids that exist (no config, no cache); in the caller's transaction when given one. */
  findOwners(channelIds: string[], db: EntityManager = this.db.manager): Promise<ChannelOwner[]> {
    return db.query<ChannelOwner[]>(channelQueries.findOwners, [channelIds]);
  }
}
