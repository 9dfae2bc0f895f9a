import {
  DEFAULT_FORM_BODY,
  EX_AUTHORIZATION_SECRET,
  parseExConfig,
  renderExTemplate,
  type ExSettings,
  type ExVariables,
} from './ex.config';
import {
  DEFAULT_TIMEOUT_MS,
  addressVariables,
  dedupeHeaders,
  invalidConfig,
  withQuery,
  type AdapterChannel,
  type AdapterOptions,
  type ChannelAdapter,
  type OutboundMessage,
  type SendResult,
} from '../../outbound/channel-adapter';
import type { HttpClient, HttpRequest } from '@smsgate/egress';
import { nationalNumberOf, smartEncode } from '@smsgate/sms';
import {
  excerpt,
  isSuccess,
  outcomeOfError,
  outcomeOfStatus,
  redactorFor,
} from '../../outbound/http-outcome';
import { splitText } from './split-text';
import { textWithAttachments } from '../../outbound/attachments-text';

/**
 * RapidPro's External API channel (type `ex`): one request per part of at most `max_length`
 * characters, variables filled into `send_url` and `body` as courier does. A 2xx whose body holds
 * `mt_response_check` (when set) means the aggregator took the part.
 */
export class ExAdapter implements ChannelAdapter {
  readonly type = 'ex' as const;
  private readonly timeoutMs: number;

  constructor(options: AdapterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Settings parsed once per channel config object: the channel directory hands out the same object
   * while it caches the channel, and a changed channel comes as a new one.
   */
  private readonly settings = new WeakMap<object, ReturnType<typeof parseExConfig>>();

  async send(message: OutboundMessage, channel: AdapterChannel, http: HttpClient): Promise<SendResult> {
    const key = typeof channel.config === 'object' && channel.config !== null ? channel.config : undefined;
    let parsed = key && this.settings.get(key);
    if (!parsed) {
      parsed = parseExConfig(channel.config);
      if (key) this.settings.set(key, parsed);
    }
    if (!parsed.ok) return invalidConfig(parsed.problems);
    const settings = parsed.value;
    const redact = redactorFor(Object.values(channel.secrets));
    const parts = splitText(textWithAttachments(message), settings.maxLength);

    for (const [index, part] of parts.entries()) {
      if (index < (message.partsDelivered ?? 0)) continue;
      const progress = { part: index + 1, parts: parts.length, partsAccepted: index };
      const text = settings.smartEncoding ? smartEncode(part) : part;
      // Courier puts the quick replies on the last request only.
      const quickReplies = index === parts.length - 1 ? (message.quickReplies ?? []) : [];
      const request = this.requestFor(
        settings,
        variablesOf(message, channel, text, quickReplies, settings.useNational),
        channel.secrets,
      );
      Object.assign(request.headers, dedupeHeaders(message.id, index, parts.length));
      let response;
      try {
        response = await http.request(request);
      } catch (error) {
        return outcomeOfError(error, redact, progress);
      }
      if (!isSuccess(response.status)) return outcomeOfStatus(response, redact, progress);
      if (settings.responseCheck && !response.body.includes(settings.responseCheck)) {
        return {
          kind: 'failed',
          reason: 'response check failed: mt_response_check not found in the response',
          detail: { ...progress, status: response.status, body: excerpt(response.body, redact) },
        };
      }
    }
    return { kind: 'accepted', status: 'wired', providerMessageIds: [], parts: parts.length };
  }

  private requestFor(
    settings: ExSettings,
    variables: ExVariables,
    secrets: Record<string, string>,
  ): HttpRequest {
    // Courier names the content type on every request, GET included; some aggregators route on it.
    const headers: Record<string, string> = { 'Content-Type': settings.contentType };
    let url = renderExTemplate(settings.sendUrl, variables, 'urlencoded');
    let body: string | undefined;
    if (settings.method === 'GET') {
      // A send_url without variables gets them all as its query, the way the form body carries them.
      if (url === settings.sendUrl) {
        url = withQuery(url, renderExTemplate(DEFAULT_FORM_BODY, variables, 'urlencoded'));
      }
    } else {
      body = renderExTemplate(settings.body, variables, settings.encoding);
    }
    const authorization = secrets[EX_AUTHORIZATION_SECRET];
    if (authorization) headers['Authorization'] = authorization;
    for (const [name, value] of Object.entries(settings.headers)) setHeader(headers, name, value);
    return {
      method: settings.method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.timeoutMs,
    };
  }
}

function variablesOf(
  message: OutboundMessage,
  channel: AdapterChannel,
  text: string,
  quickReplies: readonly string[],
  useNational: boolean,
): ExVariables {
  const variables: ExVariables = {
    id: message.id,
    text,
    ...addressVariables(message, channel),
    uuid: message.id,
    session_status: '',
    quick_replies: quickReplies,
  };
  if (useNational) variables.to = variables.to_no_plus = nationalNumberOf(message.to);
  return variables;
}

/** Configured headers replace ours of the same name, whatever its case (as courier's Header.Set). */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  }
  headers[name] = value;
}
