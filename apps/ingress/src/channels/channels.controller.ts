import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { describeIssues } from '@smsgate/contracts';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { parseBody } from '../zod-body';
import { CreateChannel, UpdateChannel } from './channel.input';
import { ChannelsService } from './channels.service';
import { OptOutsQuery } from './opt-outs.query';

@Controller('v1/channels')
@UseGuards(WorkspaceAuthGuard)
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @HttpCode(201)
  create(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    return this.channels.create(workspace.id, parseBody(CreateChannel, body));
  }

  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace) {
    return { results: await this.channels.list(workspace.id) };
  }

  @Get(':uuid')
  get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('uuid') uuid: string) {
    return this.channels.get(workspace.id, uuid);
  }

  /** The numbers that stopped the channel (RapidPro `stopped`), newest first, paged. */
  @Get(':uuid/opt-outs')
  optOuts(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('uuid') uuid: string,
    @Query() query: unknown,
  ) {
    const parsed = OptOutsQuery.safeParse(query ?? {});
    if (!parsed.success) throw new BadRequestException(describeIssues(parsed.error));
    return this.channels.optOuts(workspace.id, uuid, parsed.data.cursor, parsed.data.limit);
  }

  @Patch(':uuid')
  update(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('uuid') uuid: string,
    @Body() body: unknown,
  ) {
    return this.channels.update(workspace.id, uuid, parseBody(UpdateChannel, body));
  }

  @Delete(':uuid')
  @HttpCode(204)
  async remove(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('uuid') uuid: string,
  ): Promise<void> {
    await this.channels.remove(workspace.id, uuid);
  }
}
