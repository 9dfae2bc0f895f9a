import { Inject, Injectable } from '@nestjs/common';
import { ChannelsRepository, ChannelStore, SecretBox } from '@smsgate/db';
import { DataSource } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { TtlCache } from '@smsgate/runtime';

export type ChtMode = 'rapidpro' | 'gateway';

/** A workspace's CHT instance, secrets opened. */
export interface ChtTarget {
  workspaceId: string;
  mode: ChtMode;
  url: string;
  apiVersion: 'v1' | 'v2';
  username: string | null;
  secrets: Record<string, string>;
  secretFields: string[];
  defaultChannel: string | null;
  apiRatePerMinute: number | null;
  enabled: boolean;
  lastPollAt: Date | null;
  lastPollError: string | null;
}

/** A RapidPro External API channel that smsgate serves as the aggregator. */
export interface RapidProChannel {
  uuid: string;
  workspaceId: string;
  rapidproUrl: string;
  sendChannel: string | null;
  inboundChannels: string[];
  secrets: Record<string, string>;
  secretFields: string[];
}

interface TargetRow {
  workspace_id: string;
  mode: ChtMode;
  url: string;
  api_version: 'v1' | 'v2';
  username: string | null;
  secrets: string | null;
  secret_fields: string[];
  default_channel: string | null;
  api_rate_per_minute: number | null;
  enabled: boolean;
  last_poll_at: Date | null;
  last_poll_error: string | null;
}

interface ChannelRow {
  uuid: string;
  workspace_id: string;
  rapidpro_url: string;
  send_channel: string | null;
  inbound_channels: string[];
  secrets: string | null;
  secret_fields: string[];
}

export interface TargetInput {
  mode: ChtMode;
  url: string;
  apiVersion: 'v1' | 'v2';
  username?: string;
  secrets: Record<string, string>;
  defaultChannel?: string;
  apiRatePerMinute?: number;
  enabled: boolean;
}

export interface RapidProChannelInput {
  uuid: string;
  rapidproUrl: string;
  sendChannel?: string;
  inboundChannels: string[];
  secrets: Record<string, string>;
}

/** The paths CHT serves RapidPro webhooks on (`radpidpro` is CHT's own spelling of v1). */
export const CHT_INCOMING_PATHS = {
  v1: '/api/v1/sms/radpidpro/incoming-messages',
  v2: '/api/v2/sms/rapidpro/incoming-messages',
} as const;

/**
 * CHT targets and RapidPro channel mappings: stored with their secrets sealed (SECRETS_KEY), read
 * through a short cache so the consumers and the RapidPro-compatible API don't query per request.
 */
@Injectable()
export class RelaySettings {
  private readonly box: SecretBox;
  private readonly targets: TtlCache<string, ChtTarget | undefined>;
  private channelsByInbound?: { value: Map<string, RapidProChannel[]>; until: number };
  private readonly channels: ChannelStore;

  constructor(
    private readonly db: DataSource,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
    channels: ChannelsRepository,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
    this.targets = new TtlCache(config.CONFIG_CACHE_MS, 10_000);
    this.channels = new ChannelStore(channels, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(config.CONFIG_CACHE_MS, 10_000),
      includeDeleted: true,
    });
  }

  async target(workspaceId: string, fresh = false): Promise<ChtTarget | undefined> {
    if (fresh) this.targets.delete(workspaceId);
    return this.targets.get(workspaceId, async () => {
      const rows = await this.db.query<TargetRow[]>(`SELECT * FROM cht_targets WHERE workspace_id = $1`, [
        workspaceId,
      ]);
      return rows[0] ? this.toTarget(rows[0]) : undefined;
    });
  }

  /** The country of an smsgate channel, for reading national numbers the way it does. */
  async channelCountry(channelId: string | null | undefined): Promise<string | undefined> {
    if (!channelId) return undefined;
    return (await this.channels.get(channelId))?.country ?? undefined;
  }

  async gatewayTargets(): Promise<ChtTarget[]> {
    const rows = await this.db.query<TargetRow[]>(
      `SELECT * FROM cht_targets WHERE mode = 'gateway' AND enabled ORDER BY workspace_id`,
    );
    return rows.map((row) => this.toTarget(row));
  }

  /**
   * Creates or replaces the workspace's target, its secrets merged into the stored ones, in one
   * transaction that locks the row: a concurrent PUT or DELETE waits its turn instead of interleaving
   * (a DELETE between the write and a re-read made the PUT fail). Saves nothing and returns undefined
   * when the merged secrets lack `required`.
   */
  async saveTarget(
    workspaceId: string,
    input: TargetInput,
    required: 'apiKey' | 'password',
  ): Promise<ChtTarget | undefined> {
    const row = await this.db.transaction(async (manager) => {
      const [current] = await manager.query<Pick<TargetRow, 'secrets'>[]>(
        `SELECT secrets FROM cht_targets WHERE workspace_id = $1 FOR UPDATE`,
        [workspaceId],
      );
      const secrets = { ...(current?.secrets ? this.box.open(current.secrets) : {}), ...input.secrets };
      if (!secrets[required]) return undefined;
      const fields = Object.keys(secrets).sort();
      const [saved] = await manager.query<TargetRow[]>(
        `INSERT INTO cht_targets (workspace_id, mode, url, api_version, username, secrets, secret_fields,
           default_channel, api_rate_per_minute, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (workspace_id) DO UPDATE SET mode = EXCLUDED.mode, url = EXCLUDED.url,
           api_version = EXCLUDED.api_version, username = EXCLUDED.username, secrets = EXCLUDED.secrets,
           secret_fields = EXCLUDED.secret_fields, default_channel = EXCLUDED.default_channel,
           api_rate_per_minute = EXCLUDED.api_rate_per_minute, enabled = EXCLUDED.enabled, updated_at = now()
         RETURNING *`,
        [
          workspaceId,
          input.mode,
          input.url,
          input.apiVersion,
          input.username ?? null,
          this.box.seal(secrets),
          fields,
          input.defaultChannel ?? null,
          input.apiRatePerMinute ?? null,
          input.enabled,
        ],
      );
      return saved;
    });
    this.targets.delete(workspaceId);
    return row && this.toTarget(row);
  }

  async deleteTarget(workspaceId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM cht_targets WHERE workspace_id = $1`,
      [workspaceId],
    );
    this.targets.delete(workspaceId);
    return count > 0;
  }

  async recordPoll(workspaceId: string, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE cht_targets SET last_poll_at = now(), last_poll_error = $2 WHERE workspace_id = $1`,
      [workspaceId, error],
    );
  }

  async rapidProChannel(uuid: string): Promise<RapidProChannel | undefined> {
    const rows = await this.db.query<ChannelRow[]>(`SELECT * FROM rapidpro_channels WHERE uuid = $1`, [uuid]);
    return rows[0] ? this.toChannel(rows[0]) : undefined;
  }

  async rapidProChannels(workspaceId: string): Promise<RapidProChannel[]> {
    const rows = await this.db.query<ChannelRow[]>(
      `SELECT * FROM rapidpro_channels WHERE workspace_id = $1 ORDER BY created_at`,
      [workspaceId],
    );
    return rows.map((row) => this.toChannel(row));
  }

  /** The RapidPro channels that receive the MOs of smsgate channel `channelId`. */
  async rapidProChannelsForInbound(channelId: string): Promise<RapidProChannel[]> {
    if (!this.channelsByInbound || this.channelsByInbound.until <= Date.now()) {
      const rows = await this.db.query<ChannelRow[]>(
        `SELECT * FROM rapidpro_channels WHERE cardinality(inbound_channels) > 0`,
      );
      const map = new Map<string, RapidProChannel[]>();
      for (const channel of rows.map((row) => this.toChannel(row))) {
        for (const inbound of channel.inboundChannels)
          map.set(inbound, [...(map.get(inbound) ?? []), channel]);
      }
      this.channelsByInbound = { value: map, until: Date.now() + this.config.CONFIG_CACHE_MS };
    }
    return this.channelsByInbound.value.get(channelId) ?? [];
  }

  /**
   * Creates the mapping, or updates it when it is the same workspace's; undefined when another
   * workspace owns it. One transaction locks the row, and the upsert only updates a row of the same
   * workspace, so two workspaces racing for one uuid cannot overwrite each other.
   */
  async saveRapidProChannel(
    workspaceId: string,
    input: RapidProChannelInput,
  ): Promise<RapidProChannel | undefined> {
    const row = await this.db.transaction(async (manager) => {
      const [current] = await manager.query<Pick<ChannelRow, 'workspace_id' | 'secrets'>[]>(
        `SELECT workspace_id, secrets FROM rapidpro_channels WHERE uuid = $1 FOR UPDATE`,
        [input.uuid],
      );
      if (current && current.workspace_id !== workspaceId) return undefined;
      const secrets = { ...(current?.secrets ? this.box.open(current.secrets) : {}), ...input.secrets };
      const fields = Object.keys(secrets).sort();
      const [saved] = await manager.query<ChannelRow[]>(
        `INSERT INTO rapidpro_channels (uuid, workspace_id, rapidpro_url, send_channel, inbound_channels, secrets, secret_fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (uuid) DO UPDATE SET rapidpro_url = EXCLUDED.rapidpro_url, send_channel = EXCLUDED.send_channel,
           inbound_channels = EXCLUDED.inbound_channels, secrets = EXCLUDED.secrets, secret_fields = EXCLUDED.secret_fields
         WHERE rapidpro_channels.workspace_id = EXCLUDED.workspace_id
         RETURNING *`,
        [
          input.uuid,
          workspaceId,
          input.rapidproUrl,
          input.sendChannel ?? null,
          input.inboundChannels,
          fields.length > 0 ? this.box.seal(secrets) : null,
          fields,
        ],
      );
      return saved;
    });
    this.channelsByInbound = undefined;
    return row && this.toChannel(row);
  }

  async deleteRapidProChannel(workspaceId: string, uuid: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM rapidpro_channels WHERE uuid = $1 AND workspace_id = $2`,
      [uuid, workspaceId],
    );
    this.channelsByInbound = undefined;
    return count > 0;
  }

  private toTarget(row: TargetRow): ChtTarget {
    return {
      workspaceId: row.workspace_id,
      mode: row.mode,
      url: row.url,
      apiVersion: row.api_version,
      username: row.username,
      secrets: row.secrets ? this.box.open(row.secrets) : {},
      secretFields: row.secret_fields,
      defaultChannel: row.default_channel,
      apiRatePerMinute: row.api_rate_per_minute,
      enabled: row.enabled,
      lastPollAt: row.last_poll_at,
      lastPollError: row.last_poll_error,
    };
  }

  private toChannel(row: ChannelRow): RapidProChannel {
    return {
      uuid: row.uuid,
      workspaceId: row.workspace_id,
      rapidproUrl: row.rapidpro_url,
      sendChannel: row.send_channel,
      inboundChannels: row.inbound_channels,
      secrets: row.secrets ? this.box.open(row.secrets) : {},
      secretFields: row.secret_fields,
    };
  }
}
