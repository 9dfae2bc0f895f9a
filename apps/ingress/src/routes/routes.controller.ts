import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { isUuid, uuidv7 } from '@smsgate/contracts';
import { ChannelsRepository, RouteRecord, RoutesRepository } from '@smsgate/db';
import type { z } from 'zod';
import { parseBody } from '../zod-body';
import { CreateRoute } from './route.input';
import { RouteView } from './routes.routes';

const view = (route: RouteRecord): z.output<typeof RouteView> => ({
  id: route.id,
  prefix: route.prefix,
  country: route.country,
  channels: route.channels,
  createdAt: route.createdAt.toISOString(),
});

/**
 * Routing rules for messages sent without a channel: by destination prefix (longest first), else by
 * the destination's country, else the workspace's default rule (neither prefix nor country). Each rule
 * lists channels in failover order.
 */
@Controller('v1/routes')
@UseGuards(WorkspaceAuthGuard)
export class RoutesController {
  constructor(
    private readonly routes: RoutesRepository,
    private readonly channels: ChannelsRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    const input = parseBody(CreateRoute, body);
    const owned = await this.channels.ownedIds(workspace.id, input.channels);
    const unknown = input.channels.filter((id) => !owned.includes(id));
    if (unknown.length > 0) throw new BadRequestException(`unknown channel ${unknown.join(', ')}`);
    const route = await this.routes.insert({
      id: uuidv7(),
      workspaceId: workspace.id,
      prefix: input.prefix ?? null,
      country: input.country ?? null,
      channels: input.channels,
    });
    return view(route);
  }

  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    const routes = await this.routes.listByWorkspace(workspace.id);
    return { results: routes.map(view) };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
  ): Promise<void> {
    const deleted = isUuid(id) && (await this.routes.delete(workspace.id, id));
    if (!deleted) throw new NotFoundException(`route ${id.slice(0, 64)} not found`);
  }
}
