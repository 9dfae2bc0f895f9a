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
import { imiChannel } from '@smsgate/channel-config';
import { traceOf } from '@smsgate/runtime';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { AcceptReport } from '../inbound/accept-report.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';

const { parseImiMo, readImiReport } = imiChannel.inbound;

/** IMIconnect's MO notify and DR notify URLs, configured in its service settings. */
@Controller('c/imi')
export class ReceiveImiController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
    private readonly acceptReport: AcceptReport,
  ) {}

  @Post(':uuid/receive')
  @HttpCode(200)
  async receive(@Param('uuid') uuid: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const channel = await this.channel(uuid);
    const mo = parseImiMo(body, channel.country);
    if (!mo.ok) throw new BadRequestException(mo.reason);
    const accepted = await unavailableOnTimeout(
      this.acceptInbound.execute({
        channel,
        channelType: imiChannel.type,
        from: mo.from,
        text: mo.text,
        sentAt: mo.sentAt,
        providerMessageId: mo.providerMessageId,
        trace: traceOf(request),
      }),
    );
    return { status: 'accepted', id: accepted.messageId };
  }

  @Post(':uuid/status')
  @HttpCode(200)
  async status(@Param('uuid') uuid: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const trace = traceOf(request);
    const channel = await this.channel(uuid);
    const read = readImiReport(body, channel.id);
    if (!read.ok) throw new BadRequestException(read.reason);
    await this.acceptReport.execute(channel, read.report, trace);
    return { status: 'accepted' };
  }

  private async channel(uuid: string) {
    const channel = await this.channels.findForInbound(uuid, imiChannel.type);
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    return channel;
  }
}
