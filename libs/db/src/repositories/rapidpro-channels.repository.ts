import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A RapidPro External API channel smsgate serves as the aggregator, as stored; `secrets` sealed. */
export interface RapidProChannelRow {
  uuid: string;
  workspace_id: string;
  rapidpro_url: string;
  send_channel: string | null;
  inbound_channels: string[];
  secrets: string | null;
  secret_fields: string[];
}

export const rapidProChannelQueries = {
  find: `
    -- hot: per RapidPro send request and per status callback to RapidPro (not cached)
    SELECT * FROM rapidpro_channels WHERE uuid = $1`,
  findByWorkspace: `
    SELECT * FROM rapidpro_channels WHERE workspace_id = $1 ORDER BY created_at`,
  findWithInbound: `
    SELECT * FROM rapidpro_channels WHERE cardinality(inbound_channels) > 0`,
  lock: `
    SELECT workspace_id, secrets FROM rapidpro_channels WHERE uuid = $1 FOR UPDATE`,
  upsert: `
    INSERT INTO rapidpro_channels (uuid, workspace_id, rapidpro_url, send_channel, inbound_channels, secrets,
      secret_fields)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (uuid) DO UPDATE SET rapidpro_url = EXCLUDED.rapidpro_url, send_channel = EXCLUDED.send_channel,
      inbound_channels = EXCLUDED.inbound_channels, secrets = EXCLUDED.secrets, secret_fields = EXCLUDED.secret_fields
    WHERE rapidpro_channels.workspace_id = EXCLUDED.workspace_id
    RETURNING *`,
  delete: `
    DELETE FROM rapidpro_channels WHERE uuid = $1 AND workspace_id = $2`,
} as const;

/** The RapidPro External API channels mapped to smsgate channels (rapidpro_channels). */
@Injectable()
export class RapidProChannelsRepository {
  constructor(private readonly db: DataSource) {}

  async find(uuid: string): Promise<RapidProChannelRow | undefined> {
    const rows = await this.db.query<RapidProChannelRow[]>(rapidProChannelQueries.find, [uuid]);
    return rows[0];
  }

  findByWorkspace(workspaceId: string): Promise<RapidProChannelRow[]> {
    return this.db.query(rapidProChannelQueries.findByWorkspace, [workspaceId]);
  }

  /** The channels that receive the MOs of some smsgate channel. */
  findWithInbound(): Promise<RapidProChannelRow[]> {
    return this.db.query(rapidProChannelQueries.findWithInbound);
  }

  /** Locks the channel's row until the caller's transaction ends; undefined when there is none. */
  async lock(
    manager: EntityManager,
    uuid: string,
  ): Promise<Pick<RapidProChannelRow, 'workspace_id' | 'secrets'> | undefined> {
    const [row] = await manager.query<Pick<RapidProChannelRow, 'workspace_id' | 'secrets'>[]>(
      rapidProChannelQueries.lock,
      [uuid],
    );
    return row;
  }

  /** Creates the channel or updates it if it is the same workspace's; undefined when it is another's. */
  async upsert(manager: EntityManager, channel: RapidProChannelRow): Promise<RapidProChannelRow | undefined> {
    const [row] = await manager.query<RapidProChannelRow[]>(rapidProChannelQueries.upsert, [
      channel.uuid,
      channel.workspace_id,
      channel.rapidpro_url,
      channel.send_channel,
      channel.inbound_channels,
      channel.secrets,
      channel.secret_fields,
    ]);
    return row;
  }

  /** False when the workspace had no such channel. */
  async delete(workspaceId: string, uuid: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(rapidProChannelQueries.delete, [
      uuid,
      workspaceId,
    ]);
    return count > 0;
  }
}
