import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  AuthenticatedWorkspace,
  CurrentWorkspace,
  generateSmppPassword,
  hashSmppPassword,
  WorkspaceAuthGuard,
} from '@smsgate/auth';
import { isUuid, uuidv7 } from '@smsgate/contracts';
import {
  ChannelsRepository,
  SmppAccountChanges,
  SmppAccountRecord,
  SmppAccountsRepository,
  SYSTEM_ID_TAKEN,
} from '@smsgate/db';
import type { z } from 'zod';
import { parseBody } from '../zod-body';
import { CreateSmppAccount, UpdateSmppAccount } from './smpp-account.input';
import { SmppAccountCreated, SmppAccountView, SmppPasswordRotated } from './smpp-accounts.routes';

/** The account as answered: never its password hash (the record does not hold it). */
const view = (account: SmppAccountRecord): z.output<typeof SmppAccountView> => ({
  id: account.id,
  systemId: account.systemId,
  bindModes: account.bindModes,
  maxBinds: account.maxBinds,
  allowedSources: account.allowedSources,
  tps: account.tps,
  channel: account.channelId,
  inboundAddresses: account.inboundAddresses,
  inboundChannels: account.inboundChannelIds,
  enabled: account.enabled,
  createdAt: account.createdAt.toISOString(),
  updatedAt: account.updatedAt.toISOString(),
});

const notFound = (id: string) => new NotFoundException(`SMPP account ${id.slice(0, 64)} not found`);
const taken = (systemId: string) =>
  new ConflictException(`systemId ${systemId} is taken: another SMPP account binds with it`);

/**
 * SMPP accounts: the system_id and password an ESME binds to smsgate's SMPP server with, and what the
 * account may do. smsgate picks each password and answers it once; it keeps a scrypt hash.
 */
@Controller('v1/smpp-accounts')
@UseGuards(WorkspaceAuthGuard)
export class SmppAccountsController {
  constructor(
    private readonly accounts: SmppAccountsRepository,
    private readonly channels: ChannelsRepository,
  ) {}

  /** 201 with the password; 409 when another account (of any workspace) has the system_id. */
  @Post()
  @HttpCode(201)
  async create(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Body() body: unknown,
  ): Promise<z.output<typeof SmppAccountCreated>> {
    const input = parseBody(CreateSmppAccount, body);
    await this.checkChannel(workspace.id, input.channel);
    await this.checkInboundChannels(workspace.id, input.inboundChannels);
    const password = generateSmppPassword();
    const account = await this.accounts.create({
      id: uuidv7(),
      workspaceId: workspace.id,
      systemId: input.systemId,
      passwordHash: await hashSmppPassword(password),
      bindModes: input.bindModes,
      maxBinds: input.maxBinds,
      allowedSources: input.allowedSources,
      tps: input.tps,
      channelId: input.channel,
      inboundAddresses: input.inboundAddresses,
      inboundChannelIds: input.inboundChannels,
      enabled: input.enabled,
    });
    if (!account) throw taken(input.systemId);
    return { ...view(account), password };
  }

  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    const accounts = await this.accounts.listByWorkspace(workspace.id);
    return { results: accounts.map(view) };
  }

  @Get(':id')
  async get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('id') id: string) {
    const account = isUuid(id) ? await this.accounts.get(workspace.id, id) : undefined;
    if (!account) throw notFound(id);
    return view(account);
  }

  @Patch(':id')
  async update(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    if (!isUuid(id)) throw notFound(id);
    const { channel, inboundChannels, ...fields } = parseBody(UpdateSmppAccount, body);
    if (channel !== undefined) await this.checkChannel(workspace.id, channel);
    if (inboundChannels !== undefined) await this.checkInboundChannels(workspace.id, inboundChannels);
    const changes: SmppAccountChanges = {
      ...fields,
      ...(channel !== undefined ? { channelId: channel } : {}),
      ...(inboundChannels !== undefined ? { inboundChannelIds: inboundChannels } : {}),
    };
    const account = await this.accounts.update(workspace.id, id, changes);
    if (account === SYSTEM_ID_TAKEN) throw taken(fields.systemId ?? '');
    if (!account) throw notFound(id);
    return view(account);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
  ): Promise<void> {
    const deleted = isUuid(id) && (await this.accounts.delete(workspace.id, id));
    if (!deleted) throw notFound(id);
  }

  /** A new password, answered once; new binds need it. */
  @Post(':id/password')
  @HttpCode(201)
  async rotatePassword(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
  ): Promise<z.output<typeof SmppPasswordRotated>> {
    if (!isUuid(id)) throw notFound(id);
    const password = generateSmppPassword();
    const systemId = await this.accounts.setPassword(workspace.id, id, await hashSmppPassword(password));
    if (systemId === undefined) throw notFound(id);
    return { id, systemId, password };
  }

  /** A channel named must be one of the workspace's, not deleted. */
  private async checkChannel(workspaceId: string, channel: string | null): Promise<void> {
    if (channel === null) return;
    const [owned] = await this.channels.ownedIds(workspaceId, [channel]);
    if (!owned) throw new BadRequestException(`unknown channel ${channel}`);
  }

  /** Inbound channels too: a deleted channel receives nothing, so naming one is a mistake. */
  private async checkInboundChannels(workspaceId: string, channels: string[]): Promise<void> {
    if (channels.length === 0) return;
    const owned = new Set(await this.channels.ownedIds(workspaceId, channels));
    const unknown = channels.filter((channel) => !owned.has(channel));
    if (unknown.length > 0) throw new BadRequestException(`unknown inbound channel ${unknown.join(', ')}`);
  }
}
