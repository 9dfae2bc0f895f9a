import { Inject, Injectable } from '@nestjs/common';
import { ChannelEntity, ChannelsRepository, ChannelStore, oncePerRead, StoredChannel } from '@smsgate/db';
import { TtlCache } from '@smsgate/runtime';
import { DISPATCHER_CONFIG, DispatcherConfig } from '../config';

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

/** Channels as dispatch needs them (secrets opened), cached for CONFIG_CACHE_MS (5 s by default). */
@Injectable()
export class ChannelDirectory {
  private readonly store: ChannelStore;
  /** Built once per channel read, as the store keeps it. */
  private readonly view = oncePerRead(toDispatchChannel);

  constructor(channels: ChannelsRepository, @Inject(DISPATCHER_CONFIG) config: DispatcherConfig) {
    this.store = new ChannelStore(channels, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(config.CONFIG_CACHE_MS, 10_000),
    });
  }

  /** The channel if it exists, belongs to `workspace` and is enabled. */
  async usable(workspace: string, id: string): Promise<DispatchChannel | null> {
    const channel = await this.store.get(id);
    return channel?.enabled && channel.workspaceId === workspace ? this.view(channel) : null;
  }
}

function toDispatchChannel(channel: StoredChannel): DispatchChannel {
  if (channel.opened instanceof Error) throw channel.opened;
  const tps = channel.config.tps;
  return {
    id: channel.id,
    workspaceId: channel.workspaceId,
    type: channel.type,
    address: channel.address,
    country: channel.country,
    config: channel.config,
    secrets: channel.opened,
    tps: typeof tps === 'number' && tps > 0 ? tps : undefined,
  };
}
