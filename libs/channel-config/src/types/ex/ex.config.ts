import type { ConfigValidator } from '../../shared/common.config';
import { compileXPath } from './ex.xml-receive';
import { z } from 'zod';
import {
  HTTP_METHODS,
  METHOD_PROBLEM,
  formEscape,
  isHttpUrl,
  problemAt,
  problemsOfZod,
  upperCase,
  type HttpMethod,
  type Parsed,
} from '../../shared/config-problems';

/** RapidPro's External API channel variables, `{{name}}` in `send_url` and `body`. */
export const EX_VARIABLES = [
  'id',
  'text',
  'to',
  'to_no_plus',
  'from',
  'from_no_plus',
  'channel',
  // Courier numbers messages and also names them by UUID; ours are UUIDs, so `uuid` is `id`.
  'uuid',
  // Courier's flow session status; smsgate has no sessions, so it is always empty.
  'session_status',
  // The message's quick replies (on the last request of a split text), rendered for the content type.
  'quick_replies',
] as const;
export type ExVariable = (typeof EX_VARIABLES)[number];
export type ExVariables = Record<Exclude<ExVariable, 'quick_replies'>, string> & {
  quick_replies: readonly string[];
};

/** How variable values are escaped in the body. */
export type ExEncoding = 'urlencoded' | 'json' | 'xml' | 'raw';

/** Secret holding the whole `Authorization` header value. */
export const EX_AUTHORIZATION_SECRET = 'send_authorization';

const NAMED_CONTENT_TYPES: Record<string, { header: string; encoding: ExEncoding }> = {
  urlencoded: { header: 'application/x-www-form-urlencoded', encoding: 'urlencoded' },
  json: { header: 'application/json', encoding: 'json' },
  xml: { header: 'text/xml; charset=utf-8', encoding: 'xml' },
};

export const DEFAULT_FORM_BODY =
  'id={{id}}&text={{text}}&to={{to}}&to_no_plus={{to_no_plus}}&from={{from}}&from_no_plus={{from_no_plus}}&channel={{channel}}';
export const DEFAULT_JSON_BODY =
  '{"id":{{id}},"text":{{text}},"to":{{to}},"to_no_plus":{{to_no_plus}},"from":{{from}},"from_no_plus":{{from_no_plus}},"channel":{{channel}}}';

// Courier fills `"{{name}}"` and `'{{name}}'` quotes and all, so a JSON body may quote its variables.
const VARIABLE = /"\{\{([^{}]*)\}\}"|'\{\{([^{}]*)\}\}'|\{\{([^{}]*)\}\}/g;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// The last two name the message and part in every request (the aggregator's dedupe key).
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'x-smsgate-message-id',
  'x-smsgate-part',
]);

const fieldName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .optional();

/** Courier's XPath keys: empty is unset, as courier reads them. */
const xpathKey = z
  .string({ error: 'must be a string' })
  .trim()
  .max(512, 'must be at most 512 characters')
  .superRefine((expression, context) => {
    const compiled = expression === '' ? undefined : compileXPath(expression);
    if (typeof compiled === 'string') context.addIssue({ code: 'custom', message: compiled });
  })
  .optional();

const ExConfigSchema = z.object({
  send_url: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  method: z.preprocess(upperCase, z.enum(HTTP_METHODS, { error: METHOD_PROBLEM })).default('POST'),
  content_type: z
    .string({ error: 'must be a string' })
    .trim()
    .refine(
      (value) => value in NAMED_CONTENT_TYPES || MEDIA_TYPE.test(value),
      'must be urlencoded, json, xml or a media type such as application/json',
    )
    .default('urlencoded'),
  body: z.string({ error: 'must be a string' }).optional(),
  headers: z
    .record(
      z
        .string()
        .regex(HEADER_NAME, 'is not a valid header name')
        .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by smsgate'),
      z
        .union([z.string(), z.number(), z.boolean()], { error: 'must be a string' })
        .transform(String)
        .refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
    )
    .default({}),
  max_length: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(160),
  mt_response_check: z.string({ error: 'must be a string' }).optional(),
  /** Send `to` and `to_no_plus` as the national significant number (courier's `use_national`). */
  use_national: z.boolean({ error: 'must be true or false' }).default(false),
  /** Courier's `encoding`: `D` (default) sends the text as it is; `S` (smart) sends it as GSM when it can. */
  encoding: z
    .enum(['D', 'S'], { error: 'must be D (the text as it is) or S (smart: GSM stand-ins)' })
    .optional(),
  /** The inbound field names to read first (courier's `mo_*_field`), before `from`/`sender`, `text`, `date`/`time`. */
  mo_from_field: fieldName,
  mo_text_field: fieldName,
  mo_date_field: fieldName,
  /** Courier's XML receive: the sender and the text are read from an XML body at these XPaths. */
  from_xpath: xpathKey,
  text_xpath: xpathKey,
  /** smsgate's own addition (courier stamps XML messages with the time received): an RFC 3339 date. */
  date_xpath: xpathKey,
  /** The body answered to a message accepted on `receive`, instead of RapidPro's JSON (a SOAP reply). */
  mo_response: z
    .string({ error: 'must be a string' })
    .max(10_000, 'must be at most 10000 characters')
    .optional(),
  mo_response_content_type: z
    .string({ error: 'must be a string' })
    .trim()
    .refine((value) => MEDIA_TYPE.test(value), 'must be a media type such as text/xml')
    .optional(),
});

/** The keys an `ex` config may hold besides the common ones. */
export const EX_CONFIG_KEYS = Object.keys(ExConfigSchema.shape);

export interface ExSettings {
  sendUrl: string;
  method: HttpMethod;
  /** The Content-Type header sent with a body. */
  contentType: string;
  encoding: ExEncoding;
  /** The body template, defaulted for the content type; unused for GET. */
  body: string;
  headers: Record<string, string>;
  maxLength: number;
  /** Empty when no check is configured. */
  responseCheck: string;
  useNational: boolean;
  /** Courier's smart encoding: characters outside GSM replaced by their GSM stand-ins when all can be. */
  smartEncoding: boolean;
}

export function parseExConfig(config: unknown): Parsed<ExSettings> {
  const parsed = ExConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    // Report the URL's own problems alongside, so one save shows everything to fix.
    const sendUrl = (config as { send_url?: unknown } | null)?.send_url;
    const urlIssue = parsed.error.issues.some((issue) => issue.path[0] === 'send_url');
    const more = typeof sendUrl === 'string' && !urlIssue ? sendUrlProblems(sendUrl.trim()) : [];
    return { ok: false, problems: [...problemsOfZod(parsed.error, 'config'), ...more] };
  }
  const raw = parsed.data;
  const named = NAMED_CONTENT_TYPES[raw.content_type];
  const encoding = named?.encoding ?? encodingOfMediaType(raw.content_type);
  const body = raw.body?.trim() ? raw.body : defaultBody(encoding);
  const problems = sendUrlProblems(raw.send_url);
  if (raw.method !== 'GET') {
    if (body === undefined) {
      problems.push(problemAt(['config', 'body'], `is required for content type ${raw.content_type}`));
    } else {
      problems.push(...unknownVariables(body, ['config', 'body']));
      if (encoding === 'json' && !isJson(renderExTemplate(body, SAMPLE, 'json'))) {
        problems.push(problemAt(['config', 'body'], 'is not valid JSON once the variables are filled in'));
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    value: {
      sendUrl: raw.send_url,
      method: raw.method,
      contentType: named?.header ?? raw.content_type,
      encoding,
      body: body ?? '',
      headers: raw.headers,
      maxLength: raw.max_length,
      responseCheck: raw.mt_response_check ?? '',
      useNational: raw.use_national,
      smartEncoding: raw.encoding === 'S',
    },
  };
}

/** Problems with an `ex` channel's config as it is saved; `secrets.send_authorization` is optional. */
export const validateExConfig: ConfigValidator = (config, _secrets, guard) => {
  const parsed = parseExConfig(config);
  if (!parsed.ok) return parsed.problems;
  const ignored = receiveKeyProblems(config as Record<string, unknown>);
  if (ignored.length > 0) return ignored;
  const refusal = guard.staticRefusal(renderExTemplate(parsed.value.sendUrl, SAMPLE, 'urlencoded'));
  return refusal ? [problemAt(['config', 'send_url'], refusal)] : [];
};

/** Replaces `{{variable}}` with its value escaped for the encoding; anything else is left as it is. */
export function renderExTemplate(template: string, variables: ExVariables, encoding: ExEncoding): string {
  return template.replace(VARIABLE, (match, double?: string, single?: string, bare?: string) => {
    const name = double ?? single ?? bare ?? '';
    if (!isExVariable(name)) return match;
    const value =
      name === 'quick_replies'
        ? renderQuickReplies(variables.quick_replies, encoding)
        : escapeValue(variables[name], encoding);
    // In JSON the value brings its own quotes; elsewhere quotes around a variable stay (an XML attribute).
    if (bare !== undefined || encoding === 'json') return value;
    const quote = double !== undefined ? '"' : "'";
    return quote + value + quote;
  });
}

/**
 * Quick replies as courier renders them: a JSON list in JSON, `<item>` elements in XML, and
 * `&quick_reply=<reply>` per reply in a form, a query or any other body.
 */
export function renderQuickReplies(replies: readonly string[], encoding: ExEncoding): string {
  if (encoding === 'json') return JSON.stringify(replies);
  if (encoding === 'xml') return replies.map((reply) => `<item>${escapeXml(reply)}</item>`).join('');
  return replies.map((reply) => `&quick_reply=${formEscape(reply)}`).join('');
}

/** Whether a config shows quick replies: its send URL or (unless it sends GET) its body uses them. */
export function exShowsQuickReplies(config: unknown): boolean {
  const parsed = parseExConfig(config);
  if (!parsed.ok) return false;
  const uses = (template: string) =>
    [...template.matchAll(VARIABLE)].some((match) => (match[1] ?? match[2] ?? match[3]) === 'quick_replies');
  return uses(parsed.value.sendUrl) || (parsed.value.method !== 'GET' && uses(parsed.value.body));
}

export function escapeValue(value: string, encoding: ExEncoding): string {
  switch (encoding) {
    case 'urlencoded':
      return formEscape(value);
    case 'json':
      return JSON.stringify(value);
    case 'xml':
      return escapeXml(value);
    case 'raw':
      return value;
  }
}

/** XML text escaping; characters XML 1.0 cannot carry at all become U+FFFD, as Go's xml.EscapeText does. */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function sendUrlProblems(sendUrl: string): string[] {
  const problems = unknownVariables(sendUrl, ['config', 'send_url']);
  if (!isHttpUrl(renderExTemplate(sendUrl, SAMPLE, 'urlencoded'))) {
    problems.push(problemAt(['config', 'send_url'], 'must be an http or https URL'));
  }
  return problems;
}

/** Receive keys that only mean something together, refused where courier would ignore one. */
function receiveKeyProblems(config: Record<string, unknown>): string[] {
  const set = (key: string) => {
    const value = config[key];
    return typeof value === 'string' && value.trim() !== '';
  };
  const problems: string[] = [];
  const xml = set('from_xpath') && set('text_xpath');
  if (set('from_xpath') !== set('text_xpath')) {
    const missing = set('from_xpath') ? 'text_xpath' : 'from_xpath';
    problems.push(
      problemAt(['config', missing], 'is required too: an XML body is read only when both XPaths are set'),
    );
  }
  if (set('date_xpath') && !xml)
    problems.push(problemAt(['config', 'date_xpath'], 'is read only with from_xpath and text_xpath'));
  if (xml) {
    for (const key of ['mo_from_field', 'mo_text_field', 'mo_date_field'].filter((key) => key in config))
      problems.push(
        problemAt(['config', key], 'is not read when from_xpath and text_xpath are set (the body is XML)'),
      );
  }
  if (set('mo_response_content_type') && !set('mo_response'))
    problems.push(
      problemAt(
        ['config', 'mo_response_content_type'],
        'is the content type of mo_response, which is not set',
      ),
    );
  return problems;
}

/** A key nothing reads is refused rather than saved and ignored. */
const isExVariable = (name: string): name is ExVariable => (EX_VARIABLES as readonly string[]).includes(name);

function unknownVariables(template: string, path: readonly string[]): string[] {
  const unknown = [...template.matchAll(VARIABLE)]
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
    .filter((name) => !isExVariable(name));
  return [...new Set(unknown)].map((name) =>
    problemAt(path, `unknown variable {{${name}}} (known: ${EX_VARIABLES.map((v) => `{{${v}}}`).join(' ')})`),
  );
}

function encodingOfMediaType(mediaType: string): ExEncoding {
  const type = mediaType.toLowerCase();
  if (type.includes('x-www-form-urlencoded')) return 'urlencoded';
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  return 'raw';
}

function defaultBody(encoding: ExEncoding): string | undefined {
  if (encoding === 'urlencoded') return DEFAULT_FORM_BODY;
  if (encoding === 'json') return DEFAULT_JSON_BODY;
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const SAMPLE: ExVariables = {
  id: '0190d3c4-0000-7000-8000-000000000000',
  text: 'sample text',
  to: '+250788123123',
  to_no_plus: '250788123123',
  from: '+5582999489287',
  from_no_plus: '5582999489287',
  channel: '0190d3c4-0000-7000-8000-000000000001',
  uuid: '0190d3c4-0000-7000-8000-000000000000',
  session_status: '',
  quick_replies: [],
};
