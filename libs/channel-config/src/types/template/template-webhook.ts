import { z } from 'zod';
import { problemAt, problemsOfZod, type PathSegment } from '../../shared/config-problems';
import type { JsonValue } from './template.config';

/**
 * The `Webhook` section of a no-code template: the requests the provider sends us, described as
 * models whose `$placeholder$` leaves mark where each value sits in the provider's body (the mirror
 * of `API.SendMessage`, whose placeholders say where we put values). One model per event key; the
 * provider calls `POST /c/template/<channel>/<event_key>`.
 */
export const WEBHOOK_PLACEHOLDERS = [
  'event_key',
  'from',
  'to',
  'content',
  'text',
  'url',
  'messageid',
  'status',
  'date',
] as const;
export type WebhookPlaceholder = (typeof WEBHOOK_PLACEHOLDERS)[number];

/** `message`: an MO; `mms`: an MO with a file (Ringotel's `file`); `delivered`: a delivery report. */
export const WEBHOOK_EVENT_TYPES = ['message', 'mms', 'delivered'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The statuses a report may map a provider's value to. */
export const WEBHOOK_STATUSES = ['sent', 'delivered', 'failed', 'expired', 'rejected'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookModel {
  key: string;
  type: WebhookEventType;
  parameters: { [key: string]: JsonValue };
  /** Where each placeholder sits in the body. */
  paths: Partial<Record<WebhookPlaceholder, PathSegment[]>>;
  /** The provider's status values (lower case) → ours; built-in names apply when absent. */
  statusMap: Record<string, WebhookStatus>;
}

const REQUIRED: Record<WebhookEventType, WebhookPlaceholder[][]> = {
  message: [['from'], ['content', 'text']],
  mms: [['from'], ['url']],
  delivered: [['messageid']],
};

const EVENT_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

const ModelSchema = z.object({
  event_key: z.string({ error: 'is required' }).regex(EVENT_KEY, 'must be 1-64 letters, digits, _ . or -'),
  event_type: z.preprocess(
    (value) => (value === 'file' ? 'mms' : value),
    z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')} (or file)` }),
  ),
  request_method: z
    .preprocess(
      (value) => (typeof value === 'string' ? value.trim().toUpperCase() : value),
      z.literal('POST', { error: 'must be POST' }),
    )
    .optional(),
  request_parameters: z.record(z.string(), z.custom<JsonValue>(), { error: 'must be a JSON object' }),
  status_map: z
    .record(
      z.string().min(1),
      z.enum(WEBHOOK_STATUSES, { error: `must be one of ${WEBHOOK_STATUSES.join(', ')}` }),
    )
    .optional(),
});

/** Ringotel's documented models, and a delivery report in the same style. */
export const DEFAULT_WEBHOOK: readonly z.input<typeof ModelSchema>[] = [
  {
    event_key: 'message',
    event_type: 'message',
    request_method: 'POST',
    request_parameters: {
      method: '$event_key$',
      params: { from: '$from$', to: '$to$', content: '$content$' },
    },
  },
  {
    event_key: 'file',
    event_type: 'mms',
    request_method: 'POST',
    request_parameters: {
      method: '$event_key$',
      params: { from: '$from$', to: '$to$', text: '$text$', url: '$url$' },
    },
  },
  {
    event_key: 'delivered',
    event_type: 'delivered',
    request_method: 'POST',
    request_parameters: {
      method: '$event_key$',
      params: { messageid: '$messageid$', status: '$status$' },
    },
  },
];

const WHOLE_PLACEHOLDER = /^\$([A-Za-z_]+)\$$/;
const ANY_PLACEHOLDER = /\$([A-Za-z_]+)\$/g;

const isWebhookPlaceholder = (name: string): name is WebhookPlaceholder =>
  (WEBHOOK_PLACEHOLDERS as readonly string[]).includes(name);

/** Parses `config.Webhook` (a list of models, or an object of them); the defaults when absent. */
export function parseWebhookModels(
  section: unknown,
  at: readonly PathSegment[] = ['config', 'Webhook'],
): { ok: true; value: WebhookModel[] } | { ok: false; problems: string[] } {
  if (section === undefined || section === null) return parseWebhookModels(DEFAULT_WEBHOOK, at);
  const entries: [PathSegment, unknown][] = Array.isArray(section)
    ? section.map((model, index) => [index, model])
    : typeof section === 'object'
      ? Object.entries(section)
      : [];
  if (entries.length === 0)
    return { ok: false, problems: [problemAt(at, 'must be a non-empty list of event models')] };

  const problems: string[] = [];
  const models: WebhookModel[] = [];
  for (const [name, raw] of entries) {
    const path = [...at, name];
    const parsed = ModelSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsOfZod(parsed.error, '').map((problem) => `${path.join('.')}${problem}`));
      continue;
    }
    const model = parsed.data;
    const paramsAt = [...path, 'request_parameters'];
    const paths: Partial<Record<WebhookPlaceholder, PathSegment[]>> = {};
    problems.push(...collectPaths(model.request_parameters, [], paths, paramsAt));
    for (const alternatives of REQUIRED[model.event_type]) {
      if (!alternatives.some((placeholder) => paths[placeholder])) {
        problems.push(
          problemAt(
            paramsAt,
            `a ${model.event_type} event needs ${alternatives.map((p) => `$${p}$`).join(' or ')}`,
          ),
        );
      }
    }
    if (models.some((other) => other.key === model.event_key))
      problems.push(problemAt([...path, 'event_key'], `"${model.event_key}" is used twice`));
    models.push({
      key: model.event_key,
      type: model.event_type,
      parameters: model.request_parameters,
      paths,
      statusMap: Object.fromEntries(
        Object.entries(model.status_map ?? {}).map(([value, status]) => [value.toLowerCase(), status]),
      ),
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: models };
}

function collectPaths(
  value: JsonValue,
  path: PathSegment[],
  into: Partial<Record<WebhookPlaceholder, PathSegment[]>>,
  problemRoot: readonly PathSegment[],
): string[] {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) {
      const name = whole[1] ?? '';
      if (!isWebhookPlaceholder(name)) return [unknownPlaceholder(name, [...problemRoot, ...path])];
      if (into[name]) return [problemAt([...problemRoot, ...path], `$${name}$ appears twice`)];
      into[name] = path;
      return [];
    }
    // A placeholder inside a longer string cannot be read back out of a body: say so.
    return [...value.matchAll(ANY_PLACEHOLDER)].map((match) =>
      isWebhookPlaceholder(match[1] ?? '')
        ? problemAt([...problemRoot, ...path], `$${match[1]}$ must be the whole value`)
        : unknownPlaceholder(match[1] ?? '', [...problemRoot, ...path]),
    );
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => collectPaths(item, [...path, index], into, problemRoot));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) =>
      collectPaths(item, [...path, key], into, problemRoot),
    );
  return [];
}

const unknownPlaceholder = (name: string, path: readonly PathSegment[]) =>
  problemAt(
    path,
    `unknown placeholder $${name}$ (known: ${WEBHOOK_PLACEHOLDERS.map((known) => `$${known}$`).join(' ')})`,
  );

export type WebhookValues = Partial<Record<Exclude<WebhookPlaceholder, 'event_key'>, string>>;

/** Reads the values a model marks out of a provider's request body. */
export function readWebhook(
  model: WebhookModel,
  body: unknown,
): { ok: true; values: WebhookValues } | { ok: false; reason: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'body must be a JSON object or a form' };
  const values: WebhookValues = {};
  for (const [name, path] of Object.entries(model.paths) as [WebhookPlaceholder, PathSegment[]][]) {
    const found = valueAt(body, path);
    if (found === undefined || found === null || found === '') continue;
    if (typeof found !== 'string' && typeof found !== 'number')
      return { ok: false, reason: `'${path.join('.')}' must be a string or a number` };
    const text = String(found);
    if (name === 'event_key') {
      if (text !== model.key)
        return { ok: false, reason: `'${path.join('.')}' is "${text.slice(0, 64)}", not "${model.key}"` };
      continue;
    }
    values[name] = text;
  }
  for (const alternatives of REQUIRED[model.type]) {
    if (!alternatives.some((placeholder) => values[placeholder as keyof WebhookValues] !== undefined)) {
      const wanted = alternatives
        .map((placeholder) => model.paths[placeholder])
        .filter((path): path is PathSegment[] => path !== undefined)
        .map((path) => `'${path.join('.')}'`);
      return { ok: false, reason: `missing ${wanted.join(' or ')}` };
    }
  }
  return { ok: true, values };
}

/** The model whose `$event_key$` the body holds, for a provider that posts every event to one URL. */
export function modelNamedInBody(
  models: readonly WebhookModel[],
  body: unknown,
): { ok: true; model: WebhookModel } | { ok: false; reason: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'body must be a JSON object or a form' };
  const named: string[] = [];
  for (const model of models) {
    const path = model.paths.event_key;
    if (!path) continue;
    const found = valueAt(body, path);
    if (found === model.key) return { ok: true, model };
    const where = `'${path.join('.')}'`;
    if (typeof found === 'string' || typeof found === 'number')
      named.push(`${where} is "${String(found).slice(0, 64)}"`);
    else if (!named.includes(`${where} is missing`)) named.push(`${where} is missing`);
  }
  if (named.length === 0)
    return { ok: false, reason: "no event model marks $event_key$: post to the event's own URL" };
  return { ok: false, reason: `unknown event: ${[...new Set(named)].join(', ')}` };
}

const BUILT_IN_STATUSES: Record<string, WebhookStatus> = {
  delivered: 'delivered',
  delivrd: 'delivered',
  success: 'delivered',
  failed: 'failed',
  failure: 'failed',
  undelivered: 'failed',
  undeliv: 'failed',
  error: 'failed',
  expired: 'expired',
  rejected: 'rejected',
  rejectd: 'rejected',
  sent: 'sent',
  submitted: 'sent',
};

/** A report's status: the model's own map first, then common names; no value means delivered. */
export function webhookStatus(model: WebhookModel, value: string | undefined): WebhookStatus | undefined {
  if (value === undefined) return 'delivered';
  const key = value.trim().toLowerCase();
  // Own keys only: a provider's "constructor" or "__proto__" must not find Object.prototype's.
  if (Object.hasOwn(model.statusMap, key)) return model.statusMap[key];
  return Object.hasOwn(BUILT_IN_STATUSES, key) ? BUILT_IN_STATUSES[key] : undefined;
}

function valueAt(body: object, path: PathSegment[]): unknown {
  let at: unknown = body;
  for (const segment of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[String(segment)];
  }
  return at;
}
