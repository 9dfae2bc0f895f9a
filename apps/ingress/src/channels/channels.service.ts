import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { isUuid, uuidv7 } from '@smsgate/contracts';
import { ChannelEntity, SecretBox } from '@smsgate/db';
import { DataSource, IsNull, Repository } from 'typeorm';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import { CreateChannel, UpdateChannel } from './channel.input';
import { ChannelView, toChannelView } from './channel.view';

const LOOKUP_TTL_MS = 5_000;

@Injectable()
export class ChannelsService {
  private readonly repository: Repository<ChannelEntity>;
  private readonly secretBox: SecretBox;
  /** Inbound traffic looks channels up on every request; changes reach every replica within 5 s. */
  private readonly lookups = new Map<string, { channel: ChannelEntity | null; until: number }>();

  constructor(
    dataSource: DataSource,
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
  ) {
    this.repository = dataSource.getRepository(ChannelEntity);
    this.secretBox = new SecretBox(config.SECRETS_KEY);
  }

  async create(workspaceId: string, input: CreateChannel): Promise<ChannelView> {
    const { secrets, ...fields } = input;
    const channel = await this.repository.save({
      id: uuidv7(),
      workspaceId,
      ...fields,
      address: fields.address ?? null,
      country: fields.country ?? null,
      ...this.sealed(secrets ?? {}),
    });
    return this.view(channel);
  }

  async list(workspaceId: string): Promise<ChannelView[]> {
    const channels = await this.repository.find({
      where: { workspaceId, deletedAt: IsNull() },
      order: { id: 'ASC' },
    });
    return channels.map((channel) => this.view(channel));
  }

  async get(workspaceId: string, id: string): Promise<ChannelView> {
    return this.view(await this.owned(workspaceId, id));
  }

  async update(workspaceId: string, id: string, input: UpdateChannel): Promise<ChannelView> {
    const channel = await this.owned(workspaceId, id);
    const { secrets, ...fields } = input;
    Object.assign(channel, fields);
    if (secrets) {
      const merged: Record<string, string> = channel.secrets ? this.secretBox.open(channel.secrets) : {};
      for (const [name, value] of Object.entries(secrets)) {
        if (value === null) delete merged[name];
        else merged[name] = value;
      }
      Object.assign(channel, this.sealed(merged));
    }
    const saved = await this.repository.save(channel);
    this.lookups.delete(id);
    return this.view(saved);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const channel = await this.owned(workspaceId, id);
    await this.repository.softRemove(channel);
    this.lookups.delete(id);
  }

  /** An enabled, not deleted channel of `type`, for inbound traffic (cached briefly). */
  async findForInbound(id: string, type: ChannelEntity['type']): Promise<ChannelEntity | null> {
    if (!isUuid(id)) return null;
    const cached = this.lookups.get(id);
    let channel: ChannelEntity | null;
    if (cached && cached.until > Date.now()) {
      channel = cached.channel;
    } else {
      channel = await this.repository.findOne({ where: { id, deletedAt: IsNull() } });
      if (this.lookups.size > 50_000) this.lookups.clear();
      this.lookups.set(id, { channel, until: Date.now() + LOOKUP_TTL_MS });
    }
    return channel && channel.type === type && channel.enabled ? channel : null;
  }

  /** An enabled channel of the workspace, for sending through it. */
  async findForSend(workspaceId: string, id: string): Promise<ChannelEntity | null> {
    if (!isUuid(id)) return null;
    const channel = await this.repository.findOne({ where: { id, workspaceId, deletedAt: IsNull() } });
    return channel?.enabled ? channel : null;
  }

  private async owned(workspaceId: string, id: string): Promise<ChannelEntity> {
    const channel = isUuid(id)
      ? await this.repository.findOne({ where: { id, workspaceId, deletedAt: IsNull() } })
      : null;
    if (!channel) throw new NotFoundException(`channel ${id} not found`);
    return channel;
  }

  private sealed(secrets: Record<string, string>): Pick<ChannelEntity, 'secrets' | 'secretFields'> {
    const names = Object.keys(secrets).sort();
    return { secrets: names.length > 0 ? this.secretBox.seal(secrets) : null, secretFields: names };
  }

  private view(channel: ChannelEntity): ChannelView {
    return toChannelView(channel, this.config.publicUrl);
  }
}
