import type { ConfigValidator } from '../../shared/common.config';
import { z } from 'zod';
import {
  HTTP_METHODS,
  METHOD_PROBLEM,
  isHttpUrl,
  missingSecrets,
  problemAt,
  problemsOfZod,
  upperCase,
  type HttpMethod,
  type Parsed,
  type PathSegment,
} from '../../shared/config-problems';
import { parseWebhookModels, type WebhookModel } from './template-webhook';

/** `$name$` placeholders of a no-code template (Ringotel's names, plus our own ids). */
export const TEMPLATE_PLACEHOLDERS = [
  'from',
  'to',
  'content',
  'messageid',
  'channel',
  'to_no_plus',
  'from_no_plus',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateValues = Record<TemplatePlaceholder, string>;
/** A placeholder's value: smsgate's own first, then the channel's `settings` map; undefined if neither. */
export type PlaceholderLookup = (name: string) => string | undefined;

/** A `settings` key names a `$name$` placeholder, so it takes the placeholder pattern. */
const SETTING_KEY = /^[A-Za-z_]{1,64}$/;
export const MAX_SETTING_LENGTH = 1_000;

/** In `response_map`, the placeholder that marks where the provider's message id is. */
export const MESSAGE_ID_MARK = '$messageid$';

/** Why a message with attachments cannot go out on a template channel without SendFile. */
export const NO_SEND_FILE = "the channel's template has no API.SendFile to send files with";

export const JSON_CONTENT_TYPE = 'application/json';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export type TemplateBodyType = 'json' | 'form';

const PLACEHOLDER = /\$([A-Za-z_]+)\$/g;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);
const JsonObject = z.record(z.string(), JsonValueSchema, { error: 'must be a JSON object' });

const SendMessageSchema = z.object(
  {
    request_method: z.preprocess(upperCase, z.enum(HTTP_METHODS, { error: METHOD_PROBLEM })),
    request_url: z.string({ error: 'is required' }).trim().min(1, 'is required'),
    request_content_type: z
      .string({ error: 'must be a string' })
      .trim()
      .refine(
        (value) => bodyTypeOf(value) !== undefined,
        `must be ${JSON_CONTENT_TYPE} or ${FORM_CONTENT_TYPE}`,
      )
      .default(JSON_CONTENT_TYPE),
    request_parameters: JsonObject.default({}),
    response_map: JsonObject.optional(),
  },
  { error: 'is required' },
);

const SettingsSchema = z.record(
  z
    .string()
    .regex(SETTING_KEY, 'keys must be 1-64 letters or _ (the name between the $ of a placeholder)')
    .refine((key) => !isPlaceholder(key), 'is filled by smsgate: it cannot be set'),
  z
    .string({ error: 'must be a string' })
    .max(MAX_SETTING_LENGTH, `must be at most ${MAX_SETTING_LENGTH} characters`),
  { error: 'must be an object of strings' },
);

const TemplateConfigSchema = z.object({
  // SendFile sends each attachment of a message, its URL as `$content$` (Ringotel's `media_url`).
  API: z.object(
    { SendMessage: SendMessageSchema, SendFile: SendMessageSchema.optional() },
    { error: 'is required' },
  ),
  settings: SettingsSchema.optional(),
  Webhook: z.unknown().optional(),
  auth: z
    .object({ type: z.enum(['bearer', 'basic', 'none'], { error: 'must be bearer, basic or none' }) })
    .optional(),
});

/** The keys a `template` config may hold besides the common ones. */
export const TEMPLATE_CONFIG_KEYS = Object.keys(TemplateConfigSchema.shape);

export type TemplateAuth = 'bearer' | 'basic' | 'none';

/** One request of the `API` section: SendMessage, or SendFile. */
export interface TemplateRequest {
  method: HttpMethod;
  url: string;
  /** The Content-Type header for POST and PUT. */
  contentType: string;
  bodyType: TemplateBodyType;
  parameters: { [key: string]: JsonValue };
  /** Path to the provider's message id in the JSON response; null without a response_map. */
  messageIdPath: PathSegment[] | null;
}

/** SendMessage's request, with the rest of the template. */
export interface TemplateSettings extends TemplateRequest {
  /** SendFile: one request per attachment, the file's URL as `$content$`; null without it. */
  file: TemplateRequest | null;
  auth: TemplateAuth;
  /** Values of placeholders smsgate has none for (Ringotel's `$extension$`, `$domain$`, ...). */
  settings: Readonly<Record<string, string>>;
  /** The requests the provider sends us (`POST /c/template/<channel>/<event_key>`). */
  webhooks: WebhookModel[];
}

const SEND_MESSAGE = ['config', 'API', 'SendMessage'] as const;
const SEND_FILE = ['config', 'API', 'SendFile'] as const;

export function parseTemplateConfig(config: unknown): Parsed<TemplateSettings> {
  const parsed = TemplateConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    // Report the URL's own problems alongside, so one save shows everything to fix.
    const url = (config as { API?: { SendMessage?: { request_url?: unknown } } } | null)?.API?.SendMessage
      ?.request_url;
    const urlIssue = parsed.error.issues.some((issue) => issue.path[2] === 'request_url');
    const more =
      typeof url === 'string' && url.trim() && !urlIssue ? urlProblems(url.trim(), SAMPLE_LOOKUP) : [];
    return { ok: false, problems: [...problemsOfZod(parsed.error, 'config'), ...more] };
  }
  const send = parsed.data.API.SendMessage;
  const settings = parsed.data.settings ?? {};
  const problems = requestProblems(send, settings, SEND_MESSAGE);
  const message = requestOf(send, SEND_MESSAGE, problems);
  const file = parsed.data.API.SendFile;
  if (file) problems.push(...requestProblems(file, settings, SEND_FILE));
  const fileRequest = file ? requestOf(file, SEND_FILE, problems) : null;
  const webhooks = parseWebhookModels(parsed.data.Webhook);
  if (!webhooks.ok) problems.push(...webhooks.problems);
  if (problems.length > 0 || !webhooks.ok) return { ok: false, problems };

  return {
    ok: true,
    value: {
      ...message,
      file: fileRequest,
      auth: parsed.data.auth?.type ?? 'none',
      settings,
      webhooks: webhooks.value,
    },
  };
}

/** Problems with a `template` channel as it is saved, including the secrets its auth needs. */
export const validateTemplateConfig: ConfigValidator = (config, secrets, guard) => {
  const parsed = parseTemplateConfig(config);
  if (!parsed.ok) return parsed.problems;
  const problems = missingSecrets(secrets, secretsFor(parsed.value.auth));
  const sample = placeholderLookup(SAMPLE, parsed.value.settings);
  const file = parsed.value.file;
  const fileRefusal = file && guard.staticRefusal(renderPlaceholders(file.url, sample, encodeURIComponent));
  if (fileRefusal) problems.unshift(problemAt([...SEND_FILE, 'request_url'], fileRefusal));
  const refusal = guard.staticRefusal(renderPlaceholders(parsed.value.url, sample, encodeURIComponent));
  if (refusal) problems.unshift(problemAt([...SEND_MESSAGE, 'request_url'], refusal));
  return problems;
};

/** The secrets a template's `auth` reads: every auth's, when the config does not parse (its problems say why). */
export function templateSecretNames(config: unknown): string[] {
  const parsed = parseTemplateConfig(config);
  return parsed.ok ? secretsFor(parsed.value.auth) : ['token', 'username', 'password'];
}

export function secretsFor(auth: TemplateAuth): string[] {
  switch (auth) {
    case 'bearer':
      return ['token'];
    case 'basic':
      return ['username', 'password'];
    case 'none':
      return [];
  }
}

/** smsgate's values, then the channel's settings (own keys only: `$constructor$` is no value). */
export function placeholderLookup(
  values: TemplateValues,
  settings: Readonly<Record<string, string>>,
): PlaceholderLookup {
  return (name) =>
    isPlaceholder(name) ? values[name] : Object.hasOwn(settings, name) ? settings[name] : undefined;
}

/** Replaces known `$placeholder$`s in a string, each value passed through `escape`. */
export function renderPlaceholders(
  text: string,
  values: PlaceholderLookup,
  escape: (value: string) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (match, name: string) => {
    const value = values(name);
    return value === undefined ? match : escape(value);
  });
}

/** The parameters with placeholders filled into string values; numbers, booleans and nulls kept. */
export function renderParameters(value: JsonValue, values: PlaceholderLookup): JsonValue {
  if (typeof value === 'string') return renderPlaceholders(value, values);
  if (Array.isArray(value)) return value.map((item) => renderParameters(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderParameters(item, values)]),
    );
  }
  return value;
}

/** A parsed request of the `API` section; a `response_map` without one `$messageid$` adds a problem. */
function requestOf(
  request: z.output<typeof SendMessageSchema>,
  at: readonly PathSegment[],
  problems: string[],
): TemplateRequest {
  let messageIdPath: PathSegment[] | null = null;
  if (request.response_map) {
    const marks = pathsOfMark(request.response_map);
    const mapAt = [...at, 'response_map'];
    if (marks.length === 0) problems.push(problemAt(mapAt, `must contain "${MESSAGE_ID_MARK}"`));
    else if (marks.length > 1) problems.push(problemAt(mapAt, `must contain "${MESSAGE_ID_MARK}" once`));
    else messageIdPath = marks[0] ?? null;
  }
  return {
    method: request.request_method,
    url: request.request_url,
    contentType: request.request_content_type,
    bodyType: bodyTypeOf(request.request_content_type) ?? 'json',
    parameters: request.request_parameters,
    messageIdPath,
  };
}

function requestProblems(
  request: { request_url: string; request_parameters: { [key: string]: JsonValue } },
  settings: Readonly<Record<string, string>>,
  at: readonly PathSegment[],
): string[] {
  const values = placeholderLookup(SAMPLE, settings);
  return [
    ...urlProblems(request.request_url, values, at),
    ...unknownPlaceholders(request.request_parameters, values, [...at, 'request_parameters']),
  ];
}

function urlProblems(
  url: string,
  values: PlaceholderLookup,
  at: readonly PathSegment[] = SEND_MESSAGE,
): string[] {
  const problems = unknownPlaceholders(url, values, [...at, 'request_url']);
  if (!isHttpUrl(renderPlaceholders(url, values, encodeURIComponent))) {
    problems.push(problemAt([...at, 'request_url'], 'must be an http or https URL'));
  }
  return problems;
}

function bodyTypeOf(contentType: string): TemplateBodyType | undefined {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType === JSON_CONTENT_TYPE) return 'json';
  if (mediaType === FORM_CONTENT_TYPE) return 'form';
  return undefined;
}

const isPlaceholder = (name: string): name is TemplatePlaceholder =>
  (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name);

/**
 * Ringotel fills its own values (`$extension$`, `$domain$`) and sends nothing for a name it does not
 * know, so a placeholder neither smsgate nor the channel's settings fill would reach the provider as
 * `$name$`: refused at save, naming where to give it a value.
 */
function unknownPlaceholders(
  value: JsonValue,
  values: PlaceholderLookup,
  path: readonly PathSegment[],
): string[] {
  if (typeof value === 'string') {
    const unknown = [...value.matchAll(PLACEHOLDER)]
      .map((match) => match[1] ?? '')
      .filter((name) => values(name) === undefined);
    return [...new Set(unknown)].map((name) =>
      problemAt(
        path,
        `unknown placeholder $${name}$: smsgate has no value for it; add "${name}" to config.settings ` +
          `(smsgate fills ${TEMPLATE_PLACEHOLDERS.map((known) => `$${known}$`).join(' ')})`,
      ),
    );
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => unknownPlaceholders(item, values, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => unknownPlaceholders(item, values, [...path, key]));
  }
  return [];
}

function pathsOfMark(value: JsonValue, path: PathSegment[] = []): PathSegment[][] {
  if (value === MESSAGE_ID_MARK) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => pathsOfMark(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => pathsOfMark(item, [...path, key]));
  }
  return [];
}

const SAMPLE: TemplateValues = {
  from: '+61855555555',
  to: '+61123456789',
  content: 'sample text',
  messageid: '0190d3c4-0000-7000-8000-000000000000',
  channel: '0190d3c4-0000-7000-8000-000000000001',
  to_no_plus: '61123456789',
  from_no_plus: '61855555555',
};
const SAMPLE_LOOKUP = placeholderLookup(SAMPLE, {});
