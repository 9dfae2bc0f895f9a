import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { safeEqual } from '@smsgate/auth';
import { ChtMessagesRepository } from '@smsgate/db';
import { normalizePhone } from '@smsgate/sms';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboundMessages, refusedBeforeSending } from '../outbound/outbound-messages';
import { RelaySettings } from '../settings/relay-settings';
import { RapidProSendFields, sendFieldsError } from './rapidpro-send.input';
import { sendView } from './rapidpro-send.views';

const asFields = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * smsgate as the aggregator behind a RapidPro External API channel: RapidPro's send URL is
 * `/rapidpro/<channel uuid>/send` (GET, POST or PUT), with its default urlencoded body (`id` or `uuid`, `text`, `to`,
 * `to_no_plus`, `from`, `from_no_plus`, `channel`), the JSON form, or the same fields in the query.
 * Each part is sent once through smsgate's routes however often RapidPro retries it; its progress goes
 * back to RapidPro's /c/ex/<uuid>/sent|delivered|failed.
 */
@Controller('rapidpro')
export class RapidProSendController {
  constructor(
    private readonly settings: RelaySettings,
    private readonly outbound: OutboundMessages,
    private readonly db: DataSource,
    private readonly messages: ChtMessagesRepository,
  ) {}

  // A RapidPro channel's send method may be GET (fields in the query), POST or PUT: all three are one send.
  @Get(':channelUuid/send')
  @HttpCode(200)
  sendGet(@Param('channelUuid', new ParseUUIDPipe()) channelUuid: string, @Req() request: FastifyRequest) {
    return this.send(channelUuid, request);
  }

  @Post(':channelUuid/send')
  @HttpCode(200)
  sendPost(@Param('channelUuid', new ParseUUIDPipe()) channelUuid: string, @Req() request: FastifyRequest) {
    return this.send(channelUuid, request);
  }

  @Put(':channelUuid/send')
  @HttpCode(200)
  sendPut(@Param('channelUuid', new ParseUUIDPipe()) channelUuid: string, @Req() request: FastifyRequest) {
    return this.send(channelUuid, request);
  }

  private async send(channelUuid: string, request: FastifyRequest) {
    const channel = await this.settings.rapidProChannel(channelUuid);
    if (!channel) throw new NotFoundException(`unknown RapidPro channel ${channelUuid}`);
    const expected = channel.secrets.sendAuthorization;
    if (expected) {
      const given = request.headers.authorization;
      if (typeof given !== 'string' || !safeEqual(given, expected))
        throw new UnauthorizedException('missing or wrong Authorization');
    }
    const fields = RapidProSendFields.safeParse({ ...asFields(request.query), ...asFields(request.body) });
    if (!fields.success) throw new BadRequestException(sendFieldsError(fields.error));
    const { uuid, id, text, to, to_no_plus: noPlus } = fields.data;
    const refField = uuid !== undefined ? 'uuid' : 'id';
    const ref = uuid ?? id ?? '';
    // RapidPro sends national numbers when the channel uses them: read them as the send channel does.
    let phone = normalizePhone(to, await this.settings.channelCountry(channel.sendChannel));
    if (!phone.ok && noPlus) phone = normalizePhone(`+${noPlus}`);
    if (!phone.ok) throw new BadRequestException(`to: ${phone.reason}`);
    const e164 = phone.e164;

    // RapidPro sends a long message as parts under one id: each part is its own message here.
    const externalRef = `${ref}#${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    const rows = await this.db.transaction(async (manager) => {
      await this.messages.lock(manager, `rapidpro/${channel.workspaceId}/${externalRef}`);
      const existing = await this.messages.findByRapidProRef(manager, channel.workspaceId, externalRef);
      if (existing.length > 0) return existing;
      return this.outbound.insert(manager, [
        {
          workspaceId: channel.workspaceId,
          source: 'rapidpro',
          to: e164,
          text,
          externalRef,
          refField,
          rapidproChannel: channel.uuid,
        },
      ]);
    });
    await this.outbound.publish(rows, channel.sendChannel);
    const row = rows[0];
    // Refused before sending (a message loop): RapidPro marks the message failed on a 4xx.
    if (refusedBeforeSending(row)) throw new UnprocessableEntityException(row.status_reason ?? 'not sent');
    return sendView(row);
  }
}
