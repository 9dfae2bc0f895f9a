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
import {
  parseTemplateConfig,
  readWebhook,
  webhookStatus,
  type TemplateSettings,
  type WebhookModel,
  type WebhookValues,
} from '@smsgate/channel-config';
import { isUuid, receiptKey, stableId, Topics } from '@smsgate/contracts';
import { ChannelEntity } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { traceOf, type TraceContext } from '@smsgate/runtime';
import { normalizePhone } from '@smsgate/sms';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service';
import { AcceptInbound } from '../inbound/accept-inbound.use-case';
import { unavailableOnTimeout } from '../inbound/unavailable-on-timeout';
import { parseIsoDate } from '../receive-ex/parse-ex-receive';

/**
 * Webhook events of no-code template channels: `POST /c/template/<channel>/<event_key>`, read through
 * the model the channel's template gives for that event (`Webhook`): messages and files become inbound
 * messages, delivery reports become statuses.
 */
@Controller('c/template')
export class ReceiveTemplateController {
  /** Parsed templates by channel row: rows are cached by ChannelsService, so this follows its edits. */
  private readonly settings = new WeakMap<ChannelEntity, TemplateSettings | null>();

  constructor(
    private readonly channels: ChannelsService,
    private readonly acceptInbound: AcceptInbound,
    private readonly publisher: EventPublisher,
  ) {}

  @Post(':uuid/:event')
  @HttpCode(200)
  async receive(
    @Param('uuid') uuid: string,
    @Param('event') event: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const channel = await this.channels.findForInbound(uuid, 'template');
    if (!channel) throw new NotFoundException(`channel ${uuid.slice(0, 64)} not found`);
    const webhooks = this.settingsOf(channel)?.webhooks ?? [];
    const model = webhooks.find((candidate) => candidate.key === event);
    if (!model) {
      throw new NotFoundException(
        `unknown event ${event.slice(0, 64)} (this channel's events: ${webhooks.map((w) => w.key).join(', ')})`,
      );
    }
    const read = readWebhook(model, body);
    if (!read.ok) throw new BadRequestException(read.reason);
    return model.type === 'delivered'
      ? this.report(channel, model, read.values, traceOf(request))
      : this.inbound(channel, model, read.values, traceOf(request));
  }

  private async inbound(
    channel: ChannelEntity,
    model: WebhookModel,
    values: WebhookValues,
    trace: TraceContext | undefined,
  ) {
    const from = normalizePhone(values.from ?? '', channel.country ?? undefined);
    if (!from.ok) throw new BadRequestException(`invalid 'from' number: ${from.reason}`);
    let to: string | undefined;
    if (values.to) {
      const phone = normalizePhone(values.to, channel.country ?? undefined);
      if (!phone.ok) throw new BadRequestException(`invalid 'to' number: ${phone.reason}`);
      to = phone.e164;
    }
    const text = values.content ?? values.text ?? '';
    if (text.length > 20_000) throw new BadRequestException('the text is longer than 20000 characters');
    const mediaUrl = model.type === 'mms' ? values.url : undefined;
    if (mediaUrl !== undefined && !/^https?:\/\/\S{1,1000}$/i.test(mediaUrl))
      throw new BadRequestException("'url' must be an http(s) URL of at most 1000 characters");
    const accepted = await unavailableOnTimeout(
      this.acceptInbound.execute({
        channel,
        channelType: 'template',
        from: from.e164,
        to,
        text,
        sentAt: this.date(values),
        providerMessageId: values.messageid,
        metadata: mediaUrl ? { mediaUrl } : undefined,
        trace,
      }),
    );
    return { status: 'accepted', id: accepted.messageId };
  }

  /**
   * With a `response_map`, the channel learnt the provider's id for each message: reports name that
   * id and are correlated by dlr-tracker. Without one, the provider only knows ours ($messageid$ in
   * the send request), so reports must name it.
   */
  private async report(
    channel: ChannelEntity,
    model: WebhookModel,
    values: WebhookValues,
    trace: TraceContext | undefined,
  ) {
    const status = webhookStatus(model, values.status);
    if (!status) {
      throw new BadRequestException(
        `unknown status "${(values.status ?? '').slice(0, 64)}": map it in the model's status_map`,
      );
    }
    const messageId = values.messageid ?? '';
    const providerIds = this.settingsOf(channel)?.messageIdPath !== null;
    if (!providerIds && !isUuid(messageId)) {
      throw new BadRequestException(
        "'messageid' must be our message id: this channel's template has no response_map",
      );
    }
    const at = (this.date(values) ?? new Date()).toISOString();
    const detail = { source: `template ${model.key}`, providerStatus: values.status ?? null };
    const eventId = stableId('template-report', channel.id, messageId, status, values.status ?? '');
    await unavailableOnTimeout(
      providerIds
        ? this.publisher.publish(
            Topics.receiptReceived,
            {
              eventId,
              workspace: channel.workspaceId,
              channel: channel.id,
              providerMessageId: messageId.slice(0, 128),
              status,
              detail,
              at,
              receivedAt: new Date().toISOString(),
            },
            { key: receiptKey(channel.id, messageId.slice(0, 128)), trace },
          )
        : this.publisher.publish(
            Topics.outboundStatus,
            {
              eventId,
              id: messageId,
              workspace: channel.workspaceId,
              channel: channel.id,
              status,
              detail,
              at,
            },
            { key: messageId, trace },
          ),
    );
    return { status: 'accepted' };
  }

  private date(values: WebhookValues): Date | undefined {
    if (values.date === undefined) return undefined;
    const date = parseIsoDate(values.date);
    if (!date) throw new BadRequestException(`'date' must be an ISO-8601 date: ${values.date.slice(0, 64)}`);
    return date;
  }

  private settingsOf(channel: ChannelEntity): TemplateSettings | null {
    let settings = this.settings.get(channel);
    if (settings === undefined) {
      const parsed = parseTemplateConfig(channel.config);
      settings = parsed.ok ? parsed.value : null;
      this.settings.set(channel, settings);
    }
    return settings;
  }
}
