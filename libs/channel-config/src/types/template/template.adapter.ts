import { formEscape, type PathSegment } from '../../shared/config-problems';
import {
  NO_SEND_FILE,
  parseTemplateConfig,
  placeholderLookup,
  renderParameters,
  renderPlaceholders,
  secretsFor,
  type JsonValue,
  type PlaceholderLookup,
  type TemplateRequest,
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
  type Detail,
  type OutboundMessage,
  type SendResult,
} from '../../outbound/channel-adapter';
import type { HttpClient, HttpRequest, HttpResponse } from '@smsgate/egress';
import { isSuccess, outcomeOfError, outcomeOfStatus, redactorFor } from '../../outbound/http-outcome';

/**
 * A no-code HTTP integration (type `template`), described the way Ringotel's messaging templates
 * describe `API.SendMessage`: method, URL, content type, parameters with `$placeholder$`s, and a
 * `response_map` that shows where the provider's message id sits in its JSON answer. A message's
 * attachments go through `API.SendFile`, one request per file after the text's.
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

    const files = message.attachments ?? [];
    if (files.length > 0 && !settings.file) return { kind: 'failed', reason: NO_SEND_FILE };
    const parts = partsOf(message, settings);
    const ids: { part: number; id: string }[] = [];
    const warnings: string[] = [];

    for (const [index, part] of parts.entries()) {
      if (index < (message.partsDelivered ?? 0)) continue;
      // A message of one request reports as it always has; several name the part that failed.
      const progress: Detail =
        parts.length > 1 ? { part: index + 1, parts: parts.length, partsAccepted: index } : {};
      let response: HttpResponse;
      try {
        const values = placeholderLookup(valuesOf(message, channel, part.content), settings.settings);
        const request = this.requestFor(part.request, values, authorization);
        Object.assign(request.headers, dedupeHeaders(message.id, index, parts.length));
        response = await http.request(request);
      } catch (error) {
        return outcomeOfError(error, redact, progress);
      }
      if (!isSuccess(response.status)) return outcomeOfStatus(response, redact, progress);
      const path = part.request.messageIdPath;
      if (!path) continue;
      const id = extract(response.body, path);
      if (id !== undefined) ids.push({ part: index, id });
      else
        warnings.push(
          `no message id at ${path.join('.')} in the response` +
            (parts.length > 1 ? ` to part ${index + 1}` : ''),
        );
    }
    return {
      kind: 'accepted',
      status: 'wired',
      providerMessageIds: ids.map(({ id }) => id),
      ...(parts.length > 1 ? { partIds: ids } : {}),
      parts: parts.length,
      ...(warnings.length > 0 ? { detail: { warning: warnings.join('; ') } } : {}),
    };
  }

  private requestFor(
    settings: TemplateRequest,
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

interface Part {
  request: TemplateRequest;
  /** `$content$`: the text, or the file's URL. */
  content: string;
}

/**
 * The requests a message goes out as, in order: the text through SendMessage (unless it is empty and
 * files carry the message), then each file through SendFile.
 */
function partsOf(message: OutboundMessage, settings: TemplateSettings): Part[] {
  const { file } = settings;
  const files = message.attachments ?? [];
  const parts: Part[] =
    message.text !== '' || files.length === 0 ? [{ request: settings, content: message.text }] : [];
  if (file) parts.push(...files.map((attachment) => ({ request: file, content: attachment.url })));
  return parts;
}

function valuesOf(message: OutboundMessage, channel: AdapterChannel, content: string) {
  return { content, messageid: message.id, ...addressVariables(message, channel) };
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
