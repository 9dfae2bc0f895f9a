import { Inject, Injectable } from '@nestjs/common';
import {
  ChannelsRepository,
  ChtApiStatus,
  ChannelStore,
  ChtTargetRow,
  ChtTargetsRepository,
  RapidProChannelRow,
  RapidProChannelsRepository,
  SecretBox,
} from '@smsgate/db';
import { DataSource } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';
import { TtlCache } from '@smsgate/runtime';

export type ChtMode = 'rapidpro' | 'gateway';

/** A workspace's CHT instance, secrets opened. */
export interface ChtTarget {
  workspaceId: string;
  mode: ChtMode;
  url: string;
  /** `auto`: v2, or v1 when CHT answers 404 on v2 (CHT before 4.1); see detectedApiVersion. */
  apiVersion: ChtApiSetting;
  username: string | null;
  secrets: Record<string, string>;
  secretFields: string[];
  defaultChannel: string | null;
  apiRatePerMinute: number | null;
  enabled: boolean;
  lastPollAt: Date | null;
  lastPollError: string | null;
  detectedApiVersion: 'v1' | 'v2' | null;
  apiStatus: ChtApiStatus | null;
  apiCheckedAt: Date | null;
}

export type ChtApiSetting = 'auto' | 'v1' | 'v2';

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

export interface TargetInput {
  mode: ChtMode;
  url: string;
  apiVersion: ChtApiSetting;
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
  /** The RapidPro channels by the smsgate channel whose MOs they receive: one entry, the whole map. */
  private readonly channelsByInbound: TtlCache<'all', Map<string, RapidProChannel[]>>;
  private readonly channels: ChannelStore;

  constructor(
    private readonly db: DataSource,
    @Inject(CHT_RELAY_CONFIG) config: ChtRelayConfig,
    private readonly targetRows: ChtTargetsRepository,
    private readonly channelRows: RapidProChannelsRepository,
    channels: ChannelsRepository,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
    this.targets = new TtlCache(config.CONFIG_CACHE_MS, 10_000);
    this.channelsByInbound = new TtlCache(config.CONFIG_CACHE_MS, 1);
    this.channels = new ChannelStore(channels, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(config.CONFIG_CACHE_MS, 10_000),
      includeDeleted: true,
    });
  }

  async target(workspaceId: string, fresh = false): Promise<ChtTarget | undefined> {
    if (fresh) this.targets.delete(workspaceId);
    return this.targets.get(workspaceId, async () => {
      const row = await this.targetRows.find(workspaceId);
      return row ? this.toTarget(row) : undefined;
    });
  }

  /** The country of an smsgate channel, for reading national numbers the way it does. */
  async channelCountry(channelId: string | null | undefined): Promise<string | undefined> {
    if (!channelId) return undefined;
    return (await this.channels.get(channelId))?.country ?? undefined;
  }

  async gatewayTargets(): Promise<ChtTarget[]> {
    return (await this.targetRows.findEnabledGateways()).map((row) => this.toTarget(row));
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
      const current = await this.targetRows.lockSecrets(manager, workspaceId);
      const secrets = { ...(current ? this.box.open(current) : {}), ...input.secrets };
      if (!secrets[required]) return undefined;
      const fields = Object.keys(secrets).sort();
      return this.targetRows.upsert(manager, {
        workspace_id: workspaceId,
        mode: input.mode,
        url: input.url,
        api_version: input.apiVersion,
        username: input.username ?? null,
        secrets: this.box.seal(secrets),
        secret_fields: fields,
        default_channel: input.defaultChannel ?? null,
        api_rate_per_minute: input.apiRatePerMinute ?? null,
        enabled: input.enabled,
      });
    });
    this.targets.delete(workspaceId);
    return row && this.toTarget(row);
  }

  async deleteTarget(workspaceId: string): Promise<boolean> {
    const deleted = await this.targetRows.delete(workspaceId);
    this.targets.delete(workspaceId);
    return deleted;
  }

  /** What a try of CHT's webhook path came to (see ChtTargetsRepository.recordApiStatus). */
  async recordApiStatus(
    workspaceId: string,
    detected: 'v1' | 'v2' | null,
    status: ChtApiStatus,
  ): Promise<void> {
    await this.targetRows.recordApiStatus(workspaceId, detected, status);
    this.targets.delete(workspaceId);
  }

  async recordPoll(workspaceId: string, error: string | null): Promise<void> {
    await this.targetRows.recordPoll(workspaceId, error);
  }

  async rapidProChannel(uuid: string): Promise<RapidProChannel | undefined> {
    const row = await this.channelRows.find(uuid);
    return row ? this.toChannel(row) : undefined;
  }

  async rapidProChannels(workspaceId: string): Promise<RapidProChannel[]> {
    return (await this.channelRows.findByWorkspace(workspaceId)).map((row) => this.toChannel(row));
  }

  /** The RapidPro channels that receive the MOs of smsgate channel `channelId`. */
  async rapidProChannelsForInbound(channelId: string): Promise<RapidProChannel[]> {
    const byInbound = await this.channelsByInbound.get('all', async () => {
      const rows = await this.channelRows.findWithInbound();
      const map = new Map<string, RapidProChannel[]>();
      for (const channel of rows.map((row) => this.toChannel(row))) {
        for (const inbound of channel.inboundChannels)
          map.set(inbound, [...(map.get(inbound) ?? []), channel]);
      }
      return map;
    });
    return byInbound.get(channelId) ?? [];
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
      const current = await this.channelRows.lock(manager, input.uuid);
      if (current && current.workspace_id !== workspaceId) return undefined;
      const secrets = { ...(current?.secrets ? this.box.open(current.secrets) : {}), ...input.secrets };
      const fields = Object.keys(secrets).sort();
      return this.channelRows.upsert(manager, {
        uuid: input.uuid,
        workspace_id: workspaceId,
        rapidpro_url: input.rapidproUrl,
        send_channel: input.sendChannel ?? null,
        inbound_channels: input.inboundChannels,
        secrets: fields.length > 0 ? this.box.seal(secrets) : null,
        secret_fields: fields,
      });
    });
    this.channelsByInbound.delete('all');
    return row && this.toChannel(row);
  }

  async deleteRapidProChannel(workspaceId: string, uuid: string): Promise<boolean> {
    const deleted = await this.channelRows.delete(workspaceId, uuid);
    this.channelsByInbound.delete('all');
    return deleted;
  }

  private toTarget(row: ChtTargetRow): ChtTarget {
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
      detectedApiVersion: row.detected_api_version,
      apiStatus: row.api_status,
      apiCheckedAt: row.api_checked_at,
    };
  }

  private toChannel(row: RapidProChannelRow): RapidProChannel {
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
