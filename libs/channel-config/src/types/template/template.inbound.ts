import { Attachment, isUuid, stableId } from '@smsgate/contracts';
import { normalizePhone } from '@smsgate/sms';
import {
  MAX_PROVIDER_ID,
  providerIdProblem,
  type InboundChannel,
  type InboundText,
  type ProviderReport,
  type Refusal,
} from '../../inbound/inbound-event';
import { parseIsoDate } from '../../inbound/provider-dates';
import { parseTemplateConfig, type TemplateSettings } from './template.config';
import {
  modelNamedInBody,
  readWebhook,
  webhookStatus,
  type WebhookModel,
  type WebhookValues,
} from './template-webhook';

export type TemplateEvent =
  | { ok: true; kind: 'message'; message: InboundText }
  | { ok: true; kind: 'report'; report: ProviderReport }
  | Refusal;

/**
 * Parsed templates by config object: a cached channel hands out the same object and an edited one a
 * new object, so this follows edits without parsing on every webhook.
 */
const parsedSettings = new WeakMap<object, TemplateSettings | null>();

function settingsOf(config: Record<string, unknown>): TemplateSettings | null {
  let settings = parsedSettings.get(config);
  if (settings === undefined) {
    const parsed = parseTemplateConfig(config);
    settings = parsed.ok ? parsed.value : null;
    parsedSettings.set(config, settings);
  }
  return settings;
}

/**
 * A webhook event of a template channel, read through the model the channel's template gives for that
 * event: messages and files become inbound messages, delivery reports become reports. The event is
 * named in the URL (`POST /c/template/<channel>/<event_key>`) or, when `event` is undefined, in the
 * body where the models put `$event_key$` (`POST /c/template/<channel>`, Ringotel's one webhook URL).
 */
export function readTemplateEvent(
  channel: InboundChannel & { config: Record<string, unknown> },
  event: string | undefined,
  body: unknown,
): TemplateEvent {
  const settings = settingsOf(channel.config);
  const webhooks = settings?.webhooks ?? [];
  const events = `this channel's events: ${webhooks.map((w) => w.key).join(', ')}`;
  let model: WebhookModel | undefined;
  if (event === undefined) {
    const named = modelNamedInBody(webhooks, body);
    if (!named.ok) return { ok: false, reason: `${named.reason} (${events})` };
    model = named.model;
  } else {
    model = webhooks.find((candidate) => candidate.key === event);
    if (!model)
      return { ok: false, unknown: true, reason: `unknown event ${event.slice(0, 64)} (${events})` };
  }
  const read = readWebhook(model, body);
  if (!read.ok) return { ok: false, reason: read.reason };
  return model.type === 'delivered'
    ? report(channel, model, read.values, settings?.messageIdPath !== null)
    : message(channel, model, read.values);
}

function message(channel: InboundChannel, model: WebhookModel, values: WebhookValues): TemplateEvent {
  const from = normalizePhone(values.from ?? '', channel.country ?? undefined);
  if (!from.ok) return { ok: false, reason: `invalid 'from' number: ${from.reason}` };
  let to: string | undefined;
  if (values.to) {
    const phone = normalizePhone(values.to, channel.country ?? undefined);
    if (!phone.ok) return { ok: false, reason: `invalid 'to' number: ${phone.reason}` };
    to = phone.e164;
  }
  const text = values.content ?? values.text ?? '';
  if (text.length > 20_000) return { ok: false, reason: 'the text is longer than 20000 characters' };
  const tooLong = providerIdProblem('messageid', values.messageid);
  if (tooLong) return { ok: false, reason: tooLong };
  const mediaUrl = model.type === 'mms' ? values.url : undefined;
  if (mediaUrl !== undefined && !isMediaUrl(mediaUrl))
    return { ok: false, reason: `'url' must be an http(s) URL of at most ${MAX_MEDIA_URL} characters` };
  const sentAt = dateOf(values);
  if (sentAt === null) return badDate(values);
  return {
    ok: true,
    kind: 'message',
    message: {
      from: from.e164,
      to,
      text,
      sentAt,
      providerMessageId: values.messageid,
      // metadata.mediaUrl as before attachments, where it fits metadata's values (1024 characters).
      metadata: mediaUrl && mediaUrl.length <= MAX_METADATA_VALUE ? { mediaUrl } : undefined,
      attachments: mediaUrl ? [{ url: mediaUrl }] : undefined,
    },
  };
}

const MAX_MEDIA_URL = 2_048;
const MAX_METADATA_VALUE = 1_024;

/** An http(s) URL an inbound event can carry as an attachment: no whitespace, at most 2048 characters. */
const isMediaUrl = (url: string): boolean =>
  url.length <= MAX_MEDIA_URL && /^https?:\/\/\S+$/i.test(url) && Attachment.safeParse({ url }).success;

/**
 * With a `response_map`, the channel learnt the provider's id for each message: reports name that
 * id and are correlated by dlr-tracker. Without one, the provider only knows ours ($messageid$ in
 * the send request), so reports must name it.
 */
function report(
  channel: InboundChannel,
  model: WebhookModel,
  values: WebhookValues,
  providerIds: boolean,
): TemplateEvent {
  const status = webhookStatus(model, values.status);
  if (!status) {
    return {
      ok: false,
      reason: `unknown status "${(values.status ?? '').slice(0, 64)}": map it in the model's status_map`,
    };
  }
  const messageId = values.messageid ?? '';
  if (!providerIds && !isUuid(messageId)) {
    return {
      ok: false,
      reason: "'messageid' must be our message id: this channel's template has no response_map",
    };
  }
  const date = dateOf(values);
  if (date === null) return badDate(values);
  const common = {
    eventId: stableId('template-report', channel.id, messageId, status, values.status ?? ''),
    status,
    detail: { source: `template ${model.key}`, providerStatus: values.status ?? null },
    at: date ?? new Date(),
  };
  return {
    ok: true,
    kind: 'report',
    report: providerIds
      ? { ...common, providerMessageId: messageId.slice(0, MAX_PROVIDER_ID) }
      : { ...common, messageId },
  };
}

/** The event's date; undefined when it gives none, null when the one it gives does not parse. */
function dateOf(values: WebhookValues): Date | undefined | null {
  if (values.date === undefined) return undefined;
  return parseIsoDate(values.date) ?? null;
}

const badDate = (values: WebhookValues): Refusal => ({
  ok: false,
  reason: `'date' must be an ISO-8601 date: ${(values.date ?? '').slice(0, 64)}`,
});
