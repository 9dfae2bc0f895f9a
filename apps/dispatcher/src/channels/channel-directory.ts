import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '@smsgate/contracts';
import { ChannelEntity, SecretBox } from '@smsgate/db';
import { DataSource, IsNull } from 'typeorm';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';
import { TtlCache } from '@smsgate/runtime';

export interface DispatchChannel {
  id: string;
  workspaceId: string;
  type: ChannelEntity['type'];
  address: string | null;
  country: string | null;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Parts per second the channel may send, when limited (`config.tps`). */
  tps?: number;
}

/** Channels as dispatch needs them (secrets decrypted), cached for CONFIG_CACHE_MS (5 s by default). */
@Injectable()
export class ChannelDirectory {
  private readonly secretBox: SecretBox;
  private readonly cache: TtlCache<string, DispatchChannel | null>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
  ) {
    this.secretBox = new SecretBox(config.SECRETS_KEY);
    this.cache = new TtlCache(config.CONFIG_CACHE_MS, 10_000);
  }

  /** The channel if it exists, belongs to `workspace` and is enabled. */
  async usable(workspace: string, id: string): Promise<DispatchChannel | null> {
    const channel = await this.load(id);
    return channel && channel.workspaceId === workspace ? channel : null;
  }

  private async load(id: string): Promise<DispatchChannel | null> {
    if (!isUuid(id)) return null;
    return this.cache.get(id, () => this.read(id));
  }

  private async read(id: string): Promise<DispatchChannel | null> {
    const row = await this.dataSource
      .getRepository(ChannelEntity)
      .findOne({ where: { id, deletedAt: IsNull() } });
    const channel = row?.enabled
      ? {
          id: row.id,
          workspaceId: row.workspaceId,
          type: row.type,
          address: row.address,
          country: row.country,
          config: row.config,
          secrets: row.secrets ? this.secretBox.open(row.secrets) : {},
          tps: typeof row.config.tps === 'number' && row.config.tps > 0 ? row.config.tps : undefined,
        }
      : null;
    return channel;
  }
}
