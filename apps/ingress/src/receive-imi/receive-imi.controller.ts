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
import { receiptKey, stableId, Topics } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { traceOf } from '@smsgate/runtime';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { parseImiDr, parseImiMo } from './parse-imi';

/** IMIconnect's MO notify and DR notify URLs, configured in its service settings. */
@Controller('c/imi')
export class ReceiveImiController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
    private readonly publisher: EventPublisher,
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
        channelType: 'imi',
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
    const dr = parseImiDr(body);
    if (!dr.ok) throw new BadRequestException(dr.reason);
    const detail = { code: dr.code ?? null, description: dr.description ?? null, source: 'imi dr' };
    const eventId = stableId(
      'imi-dr',
      channel.id,
      dr.messageId ?? dr.transid ?? '',
      dr.status,
      dr.code ?? '',
    );
    const at = dr.at.toISOString();
    await unavailableOnTimeout(
      dr.messageId
        ? this.publisher.publish(
            Topics.outboundStatus,
            {
              eventId,
              id: dr.messageId,
              workspace: channel.workspaceId,
              channel: channel.id,
              status: dr.status,
              providerMessageId: dr.transid,
              detail,
              at,
            },
            { key: dr.messageId, trace },
          )
        : this.publisher.publish(
            Topics.receiptReceived,
            {
              eventId,
              workspace: channel.workspaceId,
              channel: channel.id,
              providerMessageId: dr.transid!,
              status: dr.status,
              detail,
              at,
              receivedAt: new Date().toISOString(),
            },
            { key: receiptKey(channel.id, dr.transid!), trace },
          ),
    );
    return { status: 'accepted' };
  }

  private async channel(uuid: string) {
    const channel = await this.channels.findForInbound(uuid, 'imi');
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    return channel;
  }
}
