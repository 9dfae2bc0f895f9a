import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { templateChannel } from '@smsgate/channel-config';
import { traceOf } from '@smsgate/runtime';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { AcceptReport } from '../inbound/accept-report.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';

/**
 * Webhook events of no-code template channels: `POST /c/template/<channel>/<event_key>`, read through
 * the model the channel's template gives for that event (`Webhook`): messages and files become inbound
 * messages, delivery reports become statuses.
 */
@Controller('c/template')
export class ReceiveTemplateController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
    private readonly acceptReport: AcceptReport,
  ) {}

  @Post(':uuid/:event')
  @HttpCode(200)
  async receive(
    @Param('uuid') uuid: string,
    @Param('event') event: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const channel = await this.channels.findForInbound(uuid, templateChannel.type);
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const read = templateChannel.inbound.readTemplateEvent(channel, event, body);
    if (!read.ok)
      throw read.unknown ? new NotFoundException(read.reason) : new BadRequestException(read.reason);
    if (read.kind === 'report') {
      await this.acceptReport.execute(channel, read.report, traceOf(request));
      return { status: 'accepted' };
    }
    const accepted = await unavailableOnTimeout(
      this.acceptInbound.execute({
        ...read.message,
        channel,
        channelType: templateChannel.type,
        trace: traceOf(request),
      }),
    );
    return { status: 'accepted', id: accepted.messageId };
  }
}
