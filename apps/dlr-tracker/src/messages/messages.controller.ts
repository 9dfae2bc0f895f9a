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
import { CallbackOutboxRepository, MessageViewsRepository, SmartlinksRepository } from '@smsgate/db';
import { z } from 'zod';
import { encodeCursor, ListMessagesQuery, parseQuery, StatsQuery, TrafficQuery } from './messages.query';
import {
  MessageDetail,
  messageDetail,
  MessagePage,
  messageView,
  Stats,
  Traffic,
  trafficView,
} from './messages.views';

@Controller('v1')
@UseGuards(WorkspaceAuthGuard)
export class MessagesController {
  constructor(
    private readonly messages: MessageViewsRepository,
    private readonly smartlinks: SmartlinksRepository,
    private readonly callbacks: CallbackOutboxRepository,
  ) {}

  /** One message of the caller's workspace, with its status history and parts. */
  @Get('messages/:id')
  async get(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') id: string,
  ): Promise<z.output<typeof MessageDetail>> {
    const message = isUuid(id) ? await this.messages.findInWorkspace(id, workspace.id) : null;
    if (!message) throw new NotFoundException(`message ${id.slice(0, 64)} not found`);
    const [history, parts, clicks, callbacks] = await Promise.all([
      this.messages.historyOf(id),
      this.messages.partsOf(id),
      this.smartlinks.clicksOf(id, workspace.id),
      this.callbacks.ofMessage(id),
    ]);
    return messageDetail(message, history, parts, clicks, callbacks);
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

  /**
   * The last hour (1-minute buckets) or day (10-minute buckets): messages by status and channel, how many
   * were delivered or failed, and delivery latency percentiles, per bucket and overall.
   */
  @Get('stats/traffic')
  async traffic(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Query() query: unknown,
  ): Promise<z.output<typeof Traffic>> {
    const parsed = parseQuery(TrafficQuery, query);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const { window } = parsed.value;
    const bucketSeconds = window === '1h' ? 60 : 600;
    const bucketCount = window === '1h' ? 60 : 144;
    const bucketMs = bucketSeconds * 1_000;
    // The window ends with the bucket in progress.
    const until = new Date(Math.floor(Date.now() / bucketMs) * bucketMs + bucketMs);
    const since = new Date(until.getTime() - bucketCount * bucketMs);
    const { counts, latencies } = await this.messages.traffic(workspace.id, since, until, bucketSeconds);
    return trafficView(window, since, bucketSeconds, bucketCount, counts, latencies);
  }
}
