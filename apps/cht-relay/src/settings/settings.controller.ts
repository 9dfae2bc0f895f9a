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
  ParseUUIDPipe,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { describeIssues } from '@smsgate/contracts';
import { ChannelsRepository } from '@smsgate/db';
import { z } from 'zod';
import { RelayHttp } from '../http/relay-http';
import { RelaySettings } from './relay-settings';
import { channelView, targetView } from './settings-views';
import { RapidProChannelBody, TargetBody } from './settings.input';

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestException('request body must be a JSON object');
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequestException(describeIssues(result.error));
  return result.data;
}

/** Workspace configuration of cht-relay; secrets are write-only (only their names are shown). */
@Controller('v1')
@UseGuards(WorkspaceAuthGuard)
export class SettingsController {
  constructor(
    private readonly settings: RelaySettings,
    private readonly channels: ChannelsRepository,
    private readonly http: RelayHttp,
  ) {}

  private assertReachable(field: string, url: string): void {
    const refusal = this.http.staticRefusal(url);
    if (refusal) throw new BadRequestException(`${field}: ${refusal} (see EGRESS_ALLOW)`);
  }

  @Put('cht/target')
  async saveTarget(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    const input = parse(TargetBody, body);
    this.assertReachable('url', input.url);
    if (input.defaultChannel) await this.assertChannels(workspace.id, [input.defaultChannel]);
    if (input.mode === 'gateway' && !input.username)
      throw new BadRequestException('username: required in gateway mode (a CHT user with the gateway role)');
    const secrets: Record<string, string> = {};
    if (input.apiKey) secrets.apiKey = input.apiKey;
    if (input.password) secrets.password = input.password;
    const required = input.mode === 'gateway' ? 'password' : 'apiKey';
    const saved = await this.settings.saveTarget(workspace.id, { ...input, secrets }, required);
    if (!saved) throw new BadRequestException(`${required}: required in ${input.mode} mode`);
    return targetView(saved);
  }

  @Get('cht/target')
  async getTarget(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    const target = await this.settings.target(workspace.id, true);
    if (!target) throw new NotFoundException('no CHT target configured');
    return targetView(target);
  }

  @Delete('cht/target')
  @HttpCode(204)
  async deleteTarget(@CurrentWorkspace() workspace: AuthenticatedWorkspace): Promise<void> {
    if (!(await this.settings.deleteTarget(workspace.id)))
      throw new NotFoundException('no CHT target configured');
  }

  @Post('rapidpro/channels')
  async saveChannel(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    const input = parse(RapidProChannelBody, body);
    this.assertReachable('rapidproUrl', input.rapidproUrl);
    await this.assertChannels(workspace.id, [
      ...(input.sendChannel ? [input.sendChannel] : []),
      ...input.inboundChannels,
    ]);
    const secrets: Record<string, string> = {};
    if (input.sendAuthorization) secrets.sendAuthorization = input.sendAuthorization;
    const saved = await this.settings.saveRapidProChannel(workspace.id, { ...input, secrets });
    if (!saved) throw new ConflictException(`RapidPro channel ${input.uuid} belongs to another workspace`);
    return channelView(saved);
  }

  @Get('rapidpro/channels')
  async listChannels(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    return { channels: (await this.settings.rapidProChannels(workspace.id)).map(channelView) };
  }

  @Delete('rapidpro/channels/:uuid')
  @HttpCode(204)
  async deleteChannel(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('uuid', new ParseUUIDPipe()) uuid: string,
  ): Promise<void> {
    if (!(await this.settings.deleteRapidProChannel(workspace.id, uuid)))
      throw new NotFoundException(`unknown RapidPro channel ${uuid}`);
  }

  private async assertChannels(workspaceId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const known = new Set(await this.channels.ownedIds(workspaceId, ids));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new BadRequestException(`unknown channel ${unknown.join(', ')}`);
  }
}
