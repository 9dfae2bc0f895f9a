import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { SmartlinkRecord, SmartlinksRepository } from '@smsgate/db';
import type { z } from 'zod';
import { parseBody } from '../zod-body';
import { CreateSmartlink, UpdateSmartlink } from './smartlink.input';
import { linkIdOf } from './smartlink-text';
import { SmartlinkView } from './smartlinks.routes';

const MAX_LINKS_LISTED = 1_000;
const view = (link: SmartlinkRecord): z.output<typeof SmartlinkView> => ({
  linkid: link.linkId,
  url: link.url,
  createdAt: link.createdAt.toISOString(),
  updatedAt: link.updatedAt.toISOString(),
});

/**
 * A workspace's smartlinks: the URL behind IMIconnect's `{{link_<linkid>}}`. A message gets its own
 * short URL to it; changing the URL changes where links already sent lead, deleting the link ends them.
 */
@Controller('v1/smartlinks')
@UseGuards(WorkspaceAuthGuard)
export class SmartlinksController {
  constructor(private readonly links: SmartlinksRepository) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    const input = parseBody(CreateSmartlink, body);
    const link = await this.links.insert(workspace.id, input.linkid, input.url);
    if (!link)
      throw new ConflictException(`smartlink ${input.linkid} exists: PUT /v1/smartlinks/${input.linkid}`);
    return view(link);
  }

  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    const links = await this.links.listByWorkspace(workspace.id, MAX_LINKS_LISTED);
    return { results: links.map(view) };
  }

  @Get(':linkid')
  async get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('linkid') linkid: string) {
    const id = linkIdOf(linkid);
    const link = id === undefined ? null : await this.links.find(workspace.id, id);
    if (!link) throw notFound(linkid);
    return view(link);
  }

  @Put(':linkid')
  async update(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('linkid') linkid: string,
    @Body() body: unknown,
  ) {
    const input = parseBody(UpdateSmartlink, body);
    const id = linkIdOf(linkid);
    const link = id === undefined ? null : await this.links.update(workspace.id, id, input.url);
    if (!link) throw notFound(linkid);
    return view(link);
  }

  @Delete(':linkid')
  @HttpCode(204)
  async remove(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('linkid') linkid: string,
  ): Promise<void> {
    const id = linkIdOf(linkid);
    const deleted = id !== undefined && (await this.links.delete(workspace.id, id));
    if (!deleted) throw notFound(linkid);
  }
}

const notFound = (linkid: string) => new NotFoundException(`smartlink ${linkid.slice(0, 64)} not found`);
