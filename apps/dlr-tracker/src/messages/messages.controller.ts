import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { isUuid } from '@smsgate/contracts';
import { MessageViewsRepository, SmartlinksRepository } from '@smsgate/db';
import { z } from 'zod';
import { encodeCursor, ListMessagesQuery, parseQuery, StatsQuery } from './messages.query';
import { MessageDetail, messageDetail, MessagePage, messageView, Stats } from './messages.views';

@Controller('v1')
@UseGuards(WorkspaceAuthGuard)
export class MessagesController {
  constructor(
    private readonly messages: MessageViewsRepository,
    private readonly smartlinks: SmartlinksRepository,
  ) {}

  /** One message of the caller's workspace, with its status history and parts. */
  @Get('messages/:id')
  async get(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
  ): Promise<z.output<typeof MessageDetail>> {
    const message = isUuid(id) ? await this.messages.findInWorkspace(id, workspace.id) : null;
    if (!message) throw new NotFoundException(`message ${id.slice(0, 64)} not found`);
    const [history, parts, clicks] = await Promise.all([
      this.messages.historyOf(id),
      this.messages.partsOf(id),
      this.smartlinks.clicksOf(id, workspace.id),
    ]);
    return messageDetail(message, history, parts, clicks);
  }

  /** The workspace's messages, newest first, filtered; `next` is the cursor of the following page. */
  @Get('messages')
  async list(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Query() query: unknown,
  ): Promise<z.output<typeof MessagePage>> {
    const parsed = parseQuery(ListMessagesQuery, query);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const { limit, cursor, ...filter } = parsed.value;
    const rows = await this.messages.list(workspace.id, { ...filter, before: cursor }, limit + 1);
    const page = rows.slice(0, limit);
    return {
      data: page.map(messageView),
      next: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /**
   * Message counts by status and by channel since a time (default: the last 24 hours), and the
   * smartlink clicks in that time (of any message).
   */
  @Get('stats')
  async stats(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Query() query: unknown,
  ): Promise<z.output<typeof Stats>> {
    const parsed = parseQuery(StatsQuery, query);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const since = parsed.value.since ?? new Date(Date.now() - 86_400_000).toISOString();
    const until = parsed.value.until ?? null;
    const [rows, clicks] = await Promise.all([
      this.messages.countByStatusAndChannel(workspace.id, since, until),
      this.smartlinks.countClicks(workspace.id, since, until),
    ]);
    const byStatus: Record<string, number> = {};
    const byChannel: Record<string, Record<string, number>> = {};
    let total = 0;
    let withAttachments = 0;
    for (const { status, channel_id, n, media } of rows) {
      total += n;
      withAttachments += media;
      byStatus[status] = (byStatus[status] ?? 0) + n;
      const channel = channel_id ?? 'unrouted';
      byChannel[channel] = { ...byChannel[channel], [status]: (byChannel[channel]?.[status] ?? 0) + n };
    }
    return { since, until, total, withAttachments, byStatus, byChannel, clicks };
  }
}
