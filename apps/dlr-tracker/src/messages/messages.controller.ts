import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { isUuid } from '@smsgate/contracts';
import { MessageEntity, MessageEventEntity } from '@smsgate/db';
import { DataSource } from 'typeorm';

@Controller('v1/messages')
@UseGuards(WorkspaceAuthGuard)
export class MessagesController {
  constructor(private readonly dataSource: DataSource) {}

  /** One message of the caller's workspace, with its status history. */
  @Get(':id')
  async get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('id') id: string) {
    const message = isUuid(id)
      ? await this.dataSource
          .getRepository(MessageEntity)
          .findOne({ where: { id, workspaceId: workspace.id } })
      : null;
    if (!message) throw new NotFoundException(`message ${id.slice(0, 64)} not found`);
    const history = await this.dataSource
      .getRepository(MessageEventEntity)
      .find({ where: { messageId: id }, order: { at: 'ASC', eventId: 'ASC' } });
    return {
      id: message.id,
      direction: message.direction,
      channel: message.channelId,
      from: message.from,
      to: message.to,
      text: message.text,
      status: message.status,
      segments: message.segments,
      encoding: message.encoding,
      providerIds: message.providerIds,
      correlationId: message.correlationId,
      metadata: message.metadata,
      error: message.error,
      createdAt: message.createdAt.toISOString(),
      updatedAt: message.updatedAt.toISOString(),
      history: history.map((event) => ({
        status: event.status,
        source: event.source,
        detail: event.detail,
        at: event.at.toISOString(),
      })),
    };
  }
}
