import { Inject, Injectable } from '@nestjs/common';
import { SMPP_PASSWORD_SECRET } from '@smsgate/channel-config';
import { ChannelsRepository, ChannelStore, oncePerRead, StoredChannel } from '@smsgate/db';
import { TtlCache } from '@smsgate/runtime';
import { createHash } from 'node:crypto';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';
import { isSmscType, protocolOf, SMSC_TYPES, SmscChannel, SmscType } from '../protocols';

export type { SmscChannel } from '../protocols';

const CACHE_MS = 2_000;

/**
 * The SMSC channels (SMPP, and every other protocol smpp-binds speaks), read from the channels table:
 * settings parsed by their protocol, password decrypted. Every SMSC type keeps its login password in
 * the `password` secret.
 */
@Injectable()
export class SmscChannels {
  private readonly store: ChannelStore;
  /** Each channel is parsed once per read, as the store keeps it. */
  private readonly parsedOnce = oncePerRead((channel) => this.toChannel(channel));

  constructor(channels: ChannelsRepository, @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig) {
    this.store = new ChannelStore(channels, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(CACHE_MS, 10_000),
    });
  }

  /** Every SMSC channel that exists and is enabled. */
  async enabled(): Promise<SmscChannel[]> {
    const lists = await Promise.all(SMSC_TYPES.map((type) => this.store.listEnabled(type)));
    return lists.flat().map((channel) => this.parsedOnce(channel));
  }

  /** The channel if it exists, is an SMSC channel and is enabled; cached briefly for the send path. */
  async get(id: string): Promise<SmscChannel | null> {
    const channel = await this.store.get(id);
    return channel && isSmscType(channel.type) && channel.enabled ? this.parsedOnce(channel) : null;
  }

  private toChannel(row: StoredChannel): SmscChannel {
    const type = row.type as SmscType;
    // One channel sealed with another key must not stop every other channel from binding.
    const undecryptable = row.opened instanceof Error;
    const password = row.opened instanceof Error ? '' : (row.opened[SMPP_PASSWORD_SECRET] ?? '');
    const parsed = protocolOf(type).settingsOf(row.config, password);
    const version = createHash('sha256')
      .update(JSON.stringify([row.config, row.secrets, row.address]))
      .digest('hex')
      .slice(0, 16);
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      name: row.name,
      type,
      address: row.address,
      enabled: row.enabled,
      ...(undecryptable
        ? { problems: ['secrets: cannot be decrypted with this SECRETS_KEY'] }
        : parsed.ok
          ? { settings: parsed.value }
          : { problems: parsed.problems }),
      password,
      version,
    };
  }
}
