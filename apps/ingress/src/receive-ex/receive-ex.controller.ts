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
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { traceOf } from '@smsgate/runtime';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { parseExReceive } from './parse-ex-receive';
import { requestFields } from './request-fields';

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
    const channel = await this.channels.findForInbound(uuid, 'ex');
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const parsed = parseExReceive(requestFields(request), channel.country);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const accepted = await unavailableOnTimeout(
      this.acceptInbound.execute({
        channel,
        channelType: 'ex',
        from: parsed.from,
        text: parsed.text,
        sentAt: parsed.sentAt,
        trace: traceOf(request),
      }),
    );
    return {
      message: 'Message Accepted',
      data: [
        {
          type: 'msg',
          channel_uuid: channel.id,
          msg_uuid: accepted.messageId,
          text: parsed.text,
          urn: `tel:${parsed.from}`,
          received_on: (parsed.sentAt ?? accepted.receivedAt).toISOString(),
        },
      ],
    };
  }
}
