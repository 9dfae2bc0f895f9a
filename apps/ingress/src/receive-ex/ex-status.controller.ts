import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { isUuid, stableId, Topics } from '@smsgate/contracts';
import { OptOutsRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { traceOf } from '@smsgate/runtime';
import { normalizePhone } from '@smsgate/sms';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { requestFields, textField } from './request-fields';

const STATUS_ACTIONS = { sent: 'S', delivered: 'D', failed: 'F' } as const;
type StatusAction = keyof typeof STATUS_ACTIONS;

/**
 * RapidPro External API channel callbacks: `/c/ex/<uuid>/sent|delivered|failed` with `id` (our message
 * id) report a message's progress; `/c/ex/<uuid>/stopped` with `from` records that the number opted out
 * of this channel (dispatch sends it nothing more until it writes in again).
 */
@Controller('c/ex')
export class ExStatusController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly publisher: EventPublisher,
    private readonly optOuts: OptOutsRepository,
  ) {}

  @Get(':uuid/:action')
  @HttpCode(200)
  onGet(@Param('uuid') uuid: string, @Param('action') action: string, @Req() request: FastifyRequest) {
    return this.handle(uuid, action, request);
  }

  @Post(':uuid/:action')
  @HttpCode(200)
  onPost(@Param('uuid') uuid: string, @Param('action') action: string, @Req() request: FastifyRequest) {
    return this.handle(uuid, action, request);
  }

  private async handle(uuid: string, action: string, request: FastifyRequest) {
    if (action !== 'stopped' && !(action in STATUS_ACTIONS))
      throw new NotFoundException(`unknown action ${action.slice(0, 32)}`);
    const channel = await this.channels.findForInbound(uuid, 'ex');
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const fields = requestFields(request);

    if (action === 'stopped') {
      const raw = textField(fields, 'from', 'sender');
      if (!raw) throw new BadRequestException("missing required field 'from'");
      const phone = normalizePhone(raw, channel.country ?? undefined);
      if (!phone.ok) throw new BadRequestException(`invalid 'from' number: ${phone.reason}`);
      await this.optOuts.stop(channel.id, phone.e164);
      return {
        message: 'Stop Accepted',
        data: [{ type: 'stop', channel_uuid: channel.id, urn: `tel:${phone.e164}` }],
      };
    }

    const status = action as StatusAction;
    const id = textField(fields, 'id');
    if (!id) throw new BadRequestException("missing required field 'id'");
    if (!isUuid(id)) throw new BadRequestException(`'id' must be the message id smsgate sent (a UUID)`);
    await unavailableOnTimeout(
      this.publisher.publish(
        Topics.outboundStatus,
        {
          // One event per (message, reported status): a repeated callback is the same event.
          eventId: stableId('ex-callback', channel.id, id, status),
          id,
          workspace: channel.workspaceId,
          channel: channel.id,
          status,
          detail: { source: 'ex callback' },
          at: new Date().toISOString(),
        },
        { key: id, trace: traceOf(request) },
      ),
    );
    return {
      message: 'Status Update Accepted',
      data: [{ type: 'status', channel_uuid: channel.id, status: STATUS_ACTIONS[status], msg_id: id }],
    };
  }
}
