import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { inboundHandlerOf, RawAnswer, type Refusal } from '@smsgate/channel-config';
import type { ChannelType } from '@smsgate/contracts';
import { OptOutsRepository } from '@smsgate/db';
import { traceOf } from '@smsgate/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptInbound } from './accept-inbound.use-case';
import { AcceptReport } from './accept-report.use-case';
import { unavailableOnTimeout } from './unavailable-on-timeout';

/** Nest's own answer to a URL no route serves. */
const noRoute = ({ raw }: FastifyRequest) =>
  new NotFoundException(`Cannot ${raw.method} ${(raw as { originalUrl?: string }).originalUrl || raw.url}`);

const ROUTE = ':type/:uuid/:action';
/** `/c/<type>/<channel>`, for types whose provider posts every event to one URL. */
const CHANNEL_ROUTE = ':type/:uuid';
interface RouteParams {
  type: string;
  uuid: string;
  action?: string;
}

const refused = (refusal: Refusal) =>
  refusal.unknown ? new NotFoundException(refusal.reason) : new BadRequestException(refusal.reason);

/**
 * What providers post to `/c/<type>/<channel>/<action>`, for every channel type: the type's descriptor
 * (`inbound`) says which actions exist and reads and answers them; this finds the channel and does
 * what was read. A type, action or method with no reader answers as Nest answers any unknown route.
 */
@Controller('c')
export class InboundController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
    private readonly acceptReport: AcceptReport,
    private readonly optOuts: OptOutsRepository,
  ) {}

  @Get(ROUTE)
  @HttpCode(200)
  onGet(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.receive(request, reply);
  }

  @Post(ROUTE)
  @HttpCode(200)
  onPost(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.receive(request, reply);
  }

  @Post(CHANNEL_ROUTE)
  @HttpCode(200)
  onChannelPost(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.receive(request, reply);
  }

  private async receive(request: FastifyRequest, reply: FastifyReply) {
    const { type, uuid, action } = request.params as RouteParams;
    const method = request.method === 'POST' ? 'POST' : 'GET';
    const handler = inboundHandlerOf(type);
    const reader = action === undefined ? handler?.channelRoute?.(method) : handler?.route(method, action);
    if (!reader) throw noRoute(request);
    if (typeof reader !== 'function') throw refused(reader);
    const channel = await this.channels.findForInbound(uuid, type as ChannelType);
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const read = reader(channel, { query: request.query, body: request.body });
    if (!read.ok) throw refused(read);
    // One async frame per request and the input built field by field, always in one shape: a second
    // frame and a spread of what each type read showed as 2% of ingress' CPU per post.
    const trace = traceOf(request);
    switch (read.kind) {
      case 'report':
        await this.acceptReport.execute(channel, read.report, trace);
        return read.answer;
      case 'opt-out':
        await this.optOuts.stop(channel.id, read.from);
        return read.answer;
      case 'message': {
        const { from, to, text, sentAt, providerMessageId, metadata, attachments } = read.message;
        const accepted = await unavailableOnTimeout(
          this.acceptInbound.execute({
            channel,
            channelType: channel.type,
            from,
            to,
            text,
            sentAt,
            providerMessageId,
            metadata,
            attachments,
            trace,
          }),
        );
        const answer = read.answer(accepted);
        if (!(answer instanceof RawAnswer)) return answer;
        void reply.header('content-type', answer.contentType);
        return answer.body;
      }
    }
  }
}
