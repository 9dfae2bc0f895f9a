import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { secretsOutOfConfig, validateChannelConfig } from '@smsgate/channel-config';
import { isUuid, uuidv7 } from '@smsgate/contracts';
import {
  ChannelChanges,
  ChannelEntity,
  ChannelRecord,
  ChannelsRepository,
  ChannelStore,
  OptOutPosition,
  OptOutsRepository,
} from '@smsgate/db';
import { EgressGuard } from '@smsgate/egress';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import { pageOf } from '../paging';
import { CreateChannel, UpdateChannel } from './channel.input';
import { ChannelView, toChannelView } from './channel.view';
import { encodeOptOutCursor } from './opt-outs.query';
import { TtlCache } from '@smsgate/runtime';

const LOOKUP_TTL_MS = 5_000;

@Injectable()
export class ChannelsService {
  private readonly store: ChannelStore;
  /** The dispatcher's egress policy (same EGRESS_ALLOW), for the static checks of send URLs. */
  private readonly egress: EgressGuard;

  constructor(
    private readonly repository: ChannelsRepository,
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    private readonly optOutsRepository: OptOutsRepository,
  ) {
    // Inbound traffic looks channels up on every request; changes reach every replica within 5 s.
    this.store = new ChannelStore(repository, {
      secretsKey: config.SECRETS_KEY,
      cache: new TtlCache(LOOKUP_TTL_MS, 50_000),
    });
    this.egress = new EgressGuard({ allowHosts: config.EGRESS_ALLOW });
  }

  async create(workspaceId: string, input: CreateChannel): Promise<ChannelView> {
    const { secrets: given, ...fields } = input;
    const moved = secretsOutOfConfig(fields.type, fields.config, given ?? {});
    if (moved) fields.config = moved.config;
    const secrets = moved?.secrets ?? given;
    this.checkConfig(fields.type, fields.config, secrets ?? {});
    const channel = await this.repository.insert({
      id: uuidv7(),
      workspaceId,
      ...fields,
      address: fields.address ?? null,
      country: fields.country ?? null,
      ...this.store.seal(secrets ?? {}),
    });
    return this.view(channel);
  }

  async list(workspaceId: string): Promise<ChannelView[]> {
    const channels = await this.repository.listByWorkspace(workspaceId);
    return channels.map((channel) => this.view(channel));
  }

  async get(workspaceId: string, id: string): Promise<ChannelView> {
    return this.view(await this.owned(workspaceId, id));
  }

  /** The numbers that stopped one of the workspace's channels, newest first; 404 for another's channel. */
  async optOuts(workspaceId: string, id: string, after: OptOutPosition | undefined, limit: number) {
    const channel = await this.owned(workspaceId, id);
    return pageOf(
      await this.optOutsRepository.list(channel.id, after, limit + 1),
      limit,
      encodeOptOutCursor,
      (row) => ({ address: row.address, stoppedAt: row.stoppedAt.toISOString() }),
    );
  }

  async update(workspaceId: string, id: string, input: UpdateChannel): Promise<ChannelView> {
    const channel = await this.owned(workspaceId, id);
    const { secrets: given, ...fields } = input;
    // A secret in the new config replaces the stored one, unless the same request gives it otherwise.
    const moved = secretsOutOfConfig(channel.type, fields.config, withoutRemovals(given ?? {}));
    if (moved) fields.config = moved.config;
    const secretsPatch = moved ? { ...given, ...moved.secrets } : given;
    const secrets = secretsPatch ? mergeSecrets(this.store.open(channel), secretsPatch) : undefined;
    // Checked as it will be after the patch; a patch that leaves config and secrets alone (a rename,
    // disabling) is not held to checks the channel may predate.
    if (fields.config !== undefined || secrets !== undefined) {
      this.checkConfig(channel.type, fields.config ?? channel.config, secrets ?? this.store.open(channel));
    }
    // Written only if the channel is still there: a DELETE that landed since the read wins (404), where
    // saving the entity read before it brought the deleted channel back.
    const changes: ChannelChanges = { ...fields, ...(secrets ? this.store.seal(secrets) : {}) };
    if (Object.keys(changes).length > 0) {
      const updated = await this.repository.update(workspaceId, id, changes);
      if (!updated) throw new NotFoundException(`channel ${id} not found`);
    }
    this.store.forget(id);
    return this.view(await this.owned(workspaceId, id));
  }

  /** One statement: of two DELETEs racing, one answers 204 and the other 404. */
  async remove(workspaceId: string, id: string): Promise<void> {
    const deleted = isUuid(id) && (await this.repository.softDelete(workspaceId, id));
    if (!deleted) throw new NotFoundException(`channel ${id.slice(0, 64)} not found`);
    this.store.forget(id);
  }

  /** An enabled, not deleted channel of `type`, for inbound traffic. */
  async findForInbound(id: string, type: ChannelEntity['type']): Promise<ChannelEntity | null> {
    const channel = await this.lookup(id);
    return channel && channel.type === type && channel.enabled ? channel : null;
  }

  /** An enabled channel of the workspace, for sending through it. */
  async findForSend(workspaceId: string, id: string): Promise<ChannelEntity | null> {
    const channel = await this.lookup(id);
    return channel && channel.workspaceId === workspaceId && channel.enabled ? channel : null;
  }

  /** Hot-path lookups are cached briefly: edits reach every replica within LOOKUP_TTL_MS. */
  private async lookup(id: string): Promise<ChannelEntity | null> {
    return this.store.get(id);
  }

  private async owned(workspaceId: string, id: string): Promise<ChannelRecord> {
    const channel = isUuid(id) ? await this.repository.findOwned(workspaceId, id) : null;
    if (!channel) throw new NotFoundException(`channel ${id} not found`);
    return channel;
  }

  /** The type's own checks; problems name paths (`config.method`, `secrets.password`), never values. */
  private checkConfig(type: ChannelEntity['type'], config: unknown, secrets: Record<string, string>): void {
    const result = validateChannelConfig(type, config, secrets, { egress: this.egress });
    if (!result.ok) {
      throw new BadRequestException({
        statusCode: 400,
        message: result.problems.join('; '),
        problems: result.problems,
      });
    }
  }

  private view(channel: ChannelRecord): ChannelView {
    return toChannelView(channel, this.config.publicUrl);
  }
}

const withoutRemovals = (patch: Record<string, string | null>): Record<string, string> =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null)) as Record<string, string>;

/** PATCH semantics for secrets: given names are set, a `null` value removes that secret. */
function mergeSecrets(
  current: Record<string, string>,
  patch: Record<string, string | null>,
): Record<string, string> {
  const merged = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}
