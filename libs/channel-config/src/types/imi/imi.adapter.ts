import { IMI_SERVICE_KEY_SECRET, parseImiConfig } from './imi.config';
import { toNoPlus } from '@smsgate/sms';
import {
  DEFAULT_TIMEOUT_MS,
  dedupeHeaders,
  invalidConfig,
  senderOf,
  type AdapterChannel,
  type AdapterOptions,
  type ChannelAdapter,
  type Detail,
  type OutboundMessage,
  type SendResult,
} from '../../outbound/channel-adapter';
import type { HttpClient, HttpResponse } from '@smsgate/egress';
import {
  excerpt,
  isSuccess,
  outcomeOfError,
  outcomeOfStatus,
  redactorFor,
  type Redact,
} from '../../outbound/http-outcome';

/** IMIconnect's "Queued": the platform accepted the message. */
export const IMI_QUEUED = '1001';

/** IMIconnect's priority numbers, as strings like its examples: 1 low, 2 medium, 3 high. */
export const IMI_PRIORITY = { bulk: '1', normal: '2', high: '3' } as const;

/** IMIconnect's `expiry` is a UTC instant written like `2015-04-12T13:00:19.456Z`. */
const imiExpiry = (expiresAt: string): string => new Date(expiresAt).toISOString();

interface ImiResponseItem {
  code?: unknown;
  description?: unknown;
  transid?: unknown;
  correlationid?: unknown;
}

/**
 * IMIconnect messaging API (type `imi`): `POST {base_url}/resources/v1/messaging` with the service
 * key in the `key` header, one destination per message, our message id as its `correlationid`, the
 * message's priority and expiry in IMIconnect's terms. Long text goes as one message; IMIconnect segments it.
 */
export class ImiAdapter implements ChannelAdapter {
  readonly type = 'imi' as const;
  private readonly timeoutMs: number;
  private readonly ingressPublicUrl?: string;

  constructor(options: AdapterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ingressPublicUrl = options.ingressPublicUrl?.replace(/\/+$/, '');
  }

  async send(message: OutboundMessage, channel: AdapterChannel, http: HttpClient): Promise<SendResult> {
    const parsed = parseImiConfig(channel.config);
    if (!parsed.ok) return invalidConfig(parsed.problems);
    const serviceKey = channel.secrets[IMI_SERVICE_KEY_SECRET];
    if (!serviceKey) return { kind: 'failed', reason: `missing secret ${IMI_SERVICE_KEY_SECRET}` };
    const redact = redactorFor(Object.values(channel.secrets));
    const from = senderOf(message, channel);

    // Reports come back to the channel's DR notify URL on ingress unless the channel names another.
    const notifyUrl =
      parsed.value.notifyUrl ??
      (this.ingressPublicUrl ? `${this.ingressPublicUrl}/c/imi/${channel.id}/status` : undefined);
    const body = {
      ...(notifyUrl ? { notifyurl: notifyUrl } : {}),
      ...(message.priority ? { priority: IMI_PRIORITY[message.priority] } : {}),
      ...(message.expiresAt ? { expiry: imiExpiry(message.expiresAt) } : {}),
      deliverychannel: 'sms',
      channels: {
        sms: {
          text: message.text,
          ...(from ? { senderid: from } : {}),
          // IMIconnect appends the media path to the text; one file only (attachmentsRefusal).
          ...(message.attachments?.[0] ? { 'media-path': message.attachments[0].url } : {}),
        },
      },
      destination: [{ msisdn: [toNoPlus(message.to)], correlationid: message.id }],
    };
    let response: HttpResponse;
    try {
      response = await http.request({
        method: 'POST',
        url: parsed.value.url,
        headers: { 'Content-Type': 'application/json', key: serviceKey, ...dedupeHeaders(message.id) },
        body: JSON.stringify(body),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      return outcomeOfError(error, redact);
    }
    const item = firstResponseItem(response.body);
    if (!isSuccess(response.status))
      return outcomeOfStatus(response, redact, item ? codeDetail(item, redact) : {});
    if (!item) {
      return {
        kind: 'failed',
        reason: 'unexpected IMIconnect response (no response[0].code)',
        detail: { status: response.status, body: excerpt(response.body, redact) },
      };
    }
    const detail = codeDetail(item, redact);
    if (String(item.code) !== IMI_QUEUED) {
      return {
        kind: 'failed',
        reason: `IMIconnect ${String(detail.code)}: ${String(detail.description)}`,
        detail,
      };
    }
    const transid = scalar(item.transid);
    return {
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: transid ? [transid] : [],
      parts: 1,
      detail,
    };
  }
}

function firstResponseItem(body: string): ImiResponseItem | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const list =
    typeof json === 'object' && json !== null ? (json as { response?: unknown }).response : undefined;
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  if (typeof first !== 'object' || first === null) return null;
  const item = first as ImiResponseItem;
  return scalar(item.code) ? item : null;
}

function codeDetail(item: ImiResponseItem, redact: Redact): Detail {
  return { code: scalar(item.code) ?? null, description: redact(scalar(item.description) ?? '') };
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
