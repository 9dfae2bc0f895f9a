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
import { exChannel } from '@smsgate/channel-config';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { traceOf } from '@smsgate/runtime';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { requestFields } from './request-fields';

const { exReceiveResponse, parseExReceive } = exChannel.inbound;

/**
 * RapidPro's External API channel receive (`/c/ex/<uuid>/receive`): an aggregator already integrated
 * with RapidPro points here unchanged. Fields come as query string, urlencoded or multipart form, or JSON.
 */
@Controller('c/ex')
export class ReceiveExController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
  ) {}

  @Get(':uuid/receive')
  @HttpCode(200)
  receiveGet(@Param('uuid') uuid: string, @Req() request: FastifyRequest) {
    return this.receive(uuid, request);
  }

  @Post(':uuid/receive')
  @HttpCode(200)
  receivePost(@Param('uuid') uuid: string, @Req() request: FastifyRequest) {
    return this.receive(uuid, request);
  }

  private async receive(uuid: string, request: FastifyRequest) {
    const channel = await this.channels.findForInbound(uuid, exChannel.type);
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const parsed = parseExReceive(requestFields(request), channel.country);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const accepted = await unavailableOnTimeout(
      this.acceptInbound.execute({
        channel,
        channelType: exChannel.type,
        from: parsed.from,
        text: parsed.text,
        sentAt: parsed.sentAt,
        trace: traceOf(request),
      }),
    );
    return exReceiveResponse(channel.id, {
      messageId: accepted.messageId,
      text: parsed.text,
      from: parsed.from,
      receivedOn: parsed.sentAt ?? accepted.receivedAt,
    });
  }
}
