import { formEscape, type PathSegment } from '../../shared/config-problems';
import {
  parseTemplateConfig,
  placeholderLookup,
  renderParameters,
  renderPlaceholders,
  secretsFor,
  type JsonValue,
  type PlaceholderLookup,
  type TemplateSettings,
} from './template.config';
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
import type { HttpClient, HttpRequest, HttpResponse } from '@smsgate/egress';
import { isSuccess, outcomeOfError, outcomeOfStatus, redactorFor } from '../../outbound/http-outcome';

/**
 * A no-code HTTP integration (type `template`), described the way Ringotel's messaging templates
 * describe `API.SendMessage`: method, URL, content type, parameters with `$placeholder$`s, and a
 * `response_map` that shows where the provider's message id sits in its JSON answer.
 */
export class TemplateAdapter implements ChannelAdapter {
  readonly type = 'template' as const;
  private readonly timeoutMs: number;

  constructor(options: AdapterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage, channel: AdapterChannel, http: HttpClient): Promise<SendResult> {
    const parsed = parseTemplateConfig(channel.config);
    if (!parsed.ok) return invalidConfig(parsed.problems);
    const settings = parsed.value;
    const missing = secretsFor(settings.auth).filter((name) => !channel.secrets[name]);
    if (missing.length > 0) return { kind: 'failed', reason: `missing secret ${missing.join(', ')}` };
    const authorization = authorizationOf(settings, channel.secrets);
    const redact = redactorFor([
      ...Object.values(channel.secrets),
      ...(authorization ? [authorization] : []),
    ]);

    let response: HttpResponse;
    try {
      const values = placeholderLookup(valuesOf(message, channel), settings.settings);
      const request = this.requestFor(settings, values, authorization);
      Object.assign(request.headers, dedupeHeaders(message.id));
      response = await http.request(request);
    } catch (error) {
      return outcomeOfError(error, redact);
    }
    if (!isSuccess(response.status)) return outcomeOfStatus(response, redact);
    if (!settings.messageIdPath)
      return { kind: 'accepted', status: 'wired', providerMessageIds: [], parts: 1 };
    const id = extract(response.body, settings.messageIdPath);
    return id === undefined
      ? {
          kind: 'accepted',
          status: 'wired',
          providerMessageIds: [],
          parts: 1,
          detail: { warning: `no message id at ${settings.messageIdPath.join('.')} in the response` },
        }
      : { kind: 'accepted', status: 'wired', providerMessageIds: [id], parts: 1 };
  }

  private requestFor(
    settings: TemplateSettings,
    values: PlaceholderLookup,
    authorization: string | null,
  ): HttpRequest {
    let url = renderPlaceholders(settings.url, values, encodeURIComponent);
    const parameters = renderParameters(settings.parameters, values);
    const headers: Record<string, string> = {};
    if (authorization) headers['Authorization'] = authorization;
    let body: string | undefined;
    if (settings.method === 'GET') {
      const query = formEncode(parameters);
      if (query) url = withQuery(url, query);
    } else {
      headers['Content-Type'] = settings.contentType;
      body = settings.bodyType === 'json' ? JSON.stringify(parameters) : formEncode(parameters);
    }
    return {
      method: settings.method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.timeoutMs,
    };
  }
}

function valuesOf(message: OutboundMessage, channel: AdapterChannel) {
  return { content: message.text, messageid: message.id, ...addressVariables(message, channel) };
}

function authorizationOf(settings: TemplateSettings, secrets: Record<string, string>): string | null {
  switch (settings.auth) {
    case 'bearer':
      return `Bearer ${secrets['token'] ?? ''}`;
    case 'basic':
      return `Basic ${Buffer.from(`${secrets['username'] ?? ''}:${secrets['password'] ?? ''}`, 'utf8').toString('base64')}`;
    case 'none':
      return null;
  }
}

/** Nested objects and arrays flattened with brackets (`a[b][0]=x`), as PHP, Rails and qs read them. */
export function formEncode(value: JsonValue): string {
  return flatten(value, [])
    .map(([key, item]) => `${formEscape(key)}=${formEscape(item)}`)
    .join('&');
}

function flatten(value: JsonValue, path: string[]): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => flatten(item, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => flatten(item, [...path, key]));
  }
  if (path.length === 0) return [];
  const [first = '', ...rest] = path;
  return [[`${first}${rest.map((segment) => `[${segment}]`).join('')}`, value === null ? '' : String(value)]];
}

function extract(body: string, path: readonly PathSegment[]): string | undefined {
  let current: unknown;
  try {
    current = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  if (typeof current === 'string' && current !== '') return current;
  if (typeof current === 'number') return String(current);
  return undefined;
}
