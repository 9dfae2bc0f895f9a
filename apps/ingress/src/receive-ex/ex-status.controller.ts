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
import { OptOutsRepository } from '@smsgate/db';
import { traceOf } from '@smsgate/runtime';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptReport } from '../inbound/accept-report.use-case';
import { requestFields } from './request-fields';

const { isExCallbackAction, readExStatus, readExStop } = exChannel.inbound;

/**
 * RapidPro External API channel callbacks: `/c/ex/<uuid>/sent|delivered|failed` with `id` (our message
 * id) report a message's progress; `/c/ex/<uuid>/stopped` with `from` records that the number opted out
 * of this channel (dispatch sends it nothing more until it writes in again).
 */
@Controller('c/ex')
export class ExStatusController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptReport: AcceptReport,
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
    if (!isExCallbackAction(action)) throw new NotFoundException(`unknown action ${action.slice(0, 32)}`);
    const channel = await this.channels.findForInbound(uuid, exChannel.type);
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const fields = requestFields(request);

    if (action === 'stopped') {
      const stop = readExStop(fields, channel);
      if (!stop.ok) throw new BadRequestException(stop.reason);
      await this.optOuts.stop(channel.id, stop.from);
      return stop.response;
    }

    const read = readExStatus(action, fields, channel);
    if (!read.ok) throw new BadRequestException(read.reason);
    await this.acceptReport.execute(channel, read.report, traceOf(request));
    return read.response;
  }
}
