import { Inject, Injectable } from '@nestjs/common';
import { parseSmppConfig, SMPP_PASSWORD_SECRET, SmppSettings } from '@smsgate/channel-config';
import { ChannelsRepository, ChannelStore, oncePerRead, StoredChannel } from '@smsgate/db';
import { TtlCache } from '@smsgate/runtime';
import { createHash } from 'node:crypto';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from '../config';

export interface SmppChannel {
  id: string;
  workspaceId: string;
  name: string;
  address: string | null;
  enabled: boolean;
  /** undefined when the stored config no longer parses (it is reported, not bound). */
  settings?: SmppSettings;
  problems?: string[];
  password: string;
  /** Changes whenever config or secrets change: binds are re-opened with the new settings. */
  version: string;
}

const CACHE_MS = 2_000;

/** The SMPP channels (settings parsed, password decrypted), read from the channels table. */
@Injectable()
export class SmppChannels {
  private readonly store: ChannelStore;
  /** Each channel is parsed once per read, as the store keeps it. */
  private readonly parsedOnce = oncePerRead((channel) => this.toChannel(channel));

  constructor(channels: ChannelsRepository, @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig) {
    this.store = new ChannelStore(channels, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(CACHE_MS, 10_000),
    });
  }

  /** Every SMPP channel that exists and is enabled. */
  async enabled(): Promise<SmppChannel[]> {
    return (await this.store.listEnabled('smpp')).map((channel) => this.parsedOnce(channel));
  }

  /** The channel if it exists, is SMPP and is enabled; cached briefly for the send path. */
  async get(id: string): Promise<SmppChannel | null> {
    const channel = await this.store.get(id);
    return channel?.type === 'smpp' && channel.enabled ? this.parsedOnce(channel) : null;
  }

  private toChannel(row: StoredChannel): SmppChannel {
    const parsed = parseSmppConfig(row.config);
    // One channel sealed with another key must not stop every other channel from binding.
    const undecryptable = row.opened instanceof Error;
    const password = row.opened instanceof Error ? '' : (row.opened[SMPP_PASSWORD_SECRET] ?? '');
    const version = createHash('sha256')
      .update(JSON.stringify([row.config, row.secrets, row.address]))
      .digest('hex')
      .slice(0, 16);
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      name: row.name,
      address: row.address,
      enabled: row.enabled,
      ...(undecryptable
        ? { problems: ['secrets: cannot be decrypted with this SECRETS_KEY'] }
        : parsed.ok && password.length <= 8
          ? { settings: parsed.value }
          : {
              problems: parsed.ok
                ? ['secrets.password: must be at most 8 characters (SMPP 3.4)']
                : parsed.problems,
            }),
      password,
      version,
    };
  }
}
