import { type ChannelType, isUuid } from '@smsgate/contracts';
import type { ChannelRecord, ChannelsRepository } from '../repositories/channels.repository';
import { SecretBox } from '../secret-box';

/** A channel as read, with its secrets opened: `opened` is the error when they cannot be. */
export interface StoredChannel extends ChannelRecord {
  opened: Record<string, string> | Error;
}

/**
 * What the store needs of a cache; libs/runtime's TtlCache is one. The store does not import it:
 * libs/runtime depends on libs/kafka, whose tests depend on libs/testing, which depends on libs/db.
 */
export interface ChannelCache {
  get(id: string, load: () => Promise<StoredChannel | null>): Promise<StoredChannel | null>;
  set(id: string, channel: StoredChannel | null): void;
  delete(id: string): void;
}

export interface ChannelStoreOptions {
  /** SECRETS_KEY, base64. */
  secretsKey: string;
  /** Holds what `get` read, "none" included: its TTL is how long an edit takes to reach this replica. */
  cache: ChannelCache;
  /** `get` finds deleted channels too (their country still reads the numbers of their messages). */
  includeDeleted?: boolean;
}

/**
 * `build` made into a function that runs it once per channel read: what it made of a channel is kept as
 * long as the store keeps that read, so a service's own view of a channel follows the store's cache.
 */
export function oncePerRead<View extends object>(
  build: (channel: StoredChannel) => View,
): (channel: StoredChannel) => View {
  const built = new WeakMap<StoredChannel, View>();
  return (channel) => {
    let view = built.get(channel);
    if (!view) built.set(channel, (view = build(channel)));
    return view;
  };
}

/**
 * Channels as every service reads them: by id through a cache, secrets opened with SECRETS_KEY, and
 * sealed again for writing. An edit made here is forgotten at once; other replicas see it when their
 * cached entry expires.
 */
export class ChannelStore {
  private readonly secretBox: SecretBox;

  constructor(
    private readonly channels: ChannelsRepository,
    private readonly options: ChannelStoreOptions,
  ) {
    this.secretBox = new SecretBox(options.secretsKey);
  }

  /** The channel, deleted or disabled ones included as the options say; null for an id that is not a UUID. */
  async get(id: string): Promise<StoredChannel | null> {
    if (!isUuid(id)) return null;
    return this.options.cache.get(id, () => this.load(id));
  }

  /** Every enabled channel of `type`, read now; `get` then answers from the cache. */
  async listEnabled(type: ChannelType): Promise<StoredChannel[]> {
    const channels = (await this.channels.listEnabledOfType(type)).map((row) => this.withSecrets(row));
    for (const channel of channels) this.options.cache.set(channel.id, channel);
    return channels;
  }

  forget(id: string): void {
    this.options.cache.delete(id);
  }

  /** The secrets of a channel; throws when they were sealed with another key. */
  open(channel: Pick<ChannelRecord, 'secrets'>): Record<string, string> {
    return channel.secrets ? this.secretBox.open(channel.secrets) : {};
  }

  /** The columns that store `secrets`: sealed, and their names (a channel is shown without opening them). */
  seal(secrets: Record<string, string>): Pick<ChannelRecord, 'secrets' | 'secretFields'> {
    const names = Object.keys(secrets).sort();
    return { secrets: names.length > 0 ? this.secretBox.seal(secrets) : null, secretFields: names };
  }

  private async load(id: string): Promise<StoredChannel | null> {
    const row = await this.channels.findById(id);
    if (!row || (row.deletedAt && !this.options.includeDeleted)) return null;
    return this.withSecrets(row);
  }

  private withSecrets(row: ChannelRecord): StoredChannel {
    try {
      return { ...row, opened: this.open(row) };
    } catch (error) {
      return { ...row, opened: error instanceof Error ? error : new Error(String(error)) };
    }
  }
}
