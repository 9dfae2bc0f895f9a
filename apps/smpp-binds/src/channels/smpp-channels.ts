import { Inject, Injectable } from '@nestjs/common';
import { parseSmppConfig, SMPP_PASSWORD_SECRET, SmppSettings } from '@smsgate/channel-config';
import { isUuid } from '@smsgate/contracts';
import { SecretBox } from '@smsgate/db';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
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

interface ChannelRow {
  id: string;
  workspace_id: string;
  name: string;
  address: string | null;
  enabled: boolean;
  config: Record<string, unknown>;
  secrets: string | null;
}

const CACHE_MS = 2_000;

/** The SMPP channels (settings parsed, password decrypted), read from the channels table. */
@Injectable()
export class SmppChannels {
  private readonly secretBox: SecretBox;
  private readonly cache = new Map<string, { channel: SmppChannel | null; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig,
  ) {
    this.secretBox = new SecretBox(config.SECRETS_KEY);
  }

  /** Every SMPP channel that exists and is enabled. */
  async enabled(): Promise<SmppChannel[]> {
    const rows = await this.dataSource.query<ChannelRow[]>(
      `SELECT id, workspace_id, name, address, enabled, config, secrets FROM channels
       WHERE type = 'smpp' AND enabled AND deleted_at IS NULL`,
    );
    const channels = rows.map((row) => this.toChannel(row));
    for (const channel of channels) this.cache.set(channel.id, { channel, until: Date.now() + CACHE_MS });
    return channels;
  }

  /** The channel if it exists, is SMPP and is enabled; cached briefly for the send path. */
  async get(id: string): Promise<SmppChannel | null> {
    if (!isUuid(id)) return null;
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.channel;
    const [row] = await this.dataSource.query<ChannelRow[]>(
      `SELECT id, workspace_id, name, address, enabled, config, secrets FROM channels
       WHERE id = $1 AND type = 'smpp' AND deleted_at IS NULL`,
      [id],
    );
    const channel = row?.enabled ? this.toChannel(row) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { channel, until: Date.now() + CACHE_MS });
    return channel;
  }

  private toChannel(row: ChannelRow): SmppChannel {
    const parsed = parseSmppConfig(row.config);
    let password = '';
    let undecryptable = false;
    try {
      password = row.secrets ? (this.secretBox.open(row.secrets)[SMPP_PASSWORD_SECRET] ?? '') : '';
    } catch {
      // One channel sealed with another key must not stop every other channel from binding.
      undecryptable = true;
    }
    const version = createHash('sha256')
      .update(JSON.stringify([row.config, row.secrets, row.address]))
      .digest('hex')
      .slice(0, 16);
    return {
      id: row.id,
      workspaceId: row.workspace_id,
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
