import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './infra';

/** The parts of an OpenAPI 3.1 document the contract check reads. */
export interface ApiContractDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ApiContractResponse> }>>;
}

interface ApiContractResponse {
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

/** One answer that its service's committed document does not describe. */
export interface ContractViolation {
  service: string;
  method: string;
  path: string;
  status: number;
  problem: string;
  body: string;
}

/** Base URL (`http://127.0.0.1:port`) → service name, for every service process running. */
const services = new Map<string, { name: string; document?: ApiContractDocument }>();
/** Committed documents by service name; null where the service has none. */
const documents = new Map<string, ApiContractDocument | null>();
const violations: ContractViolation[] = [];
const pending = new Set<Promise<void>>();
const undocumented = new AsyncLocalStorage<true>();

/** Answers to requests sent to `url` are checked against `name`'s document (or the one given). */
export function registerService(url: string, name: string, document?: ApiContractDocument): void {
  services.set(url.replace(/\/+$/, ''), { name, document });
}

export function unregisterService(url: string): void {
  services.delete(url.replace(/\/+$/, ''));
}

/** `docs/openapi/<name>.json`, read once; undefined when the service has none yet. */
function documentOf(name: string): ApiContractDocument | undefined {
  if (!documents.has(name)) {
    const file = path.join(repoRoot, 'docs', 'openapi', `${name}.json`);
    documents.set(
      name,
      existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ApiContractDocument) : null,
    );
  }
  return documents.get(name) ?? undefined;
}

/**
 * The console passes ingress' and dlr-tracker's routes on under the same paths, answers unchanged: an
 * answer to a path its own document lacks is checked against the owner's.
 */
const PASSED_ON: Record<string, string[]> = { console: ['ingress', 'dlr-tracker'] };

function documentFor(name: string, method: string, pathname: string): ApiContractDocument | undefined {
  const own = documentOf(name);
  const owners = PASSED_ON[name];
  if (!owners || !own) return own;
  const serves = (document: ApiContractDocument) =>
    matchPath(Object.keys(document.paths), pathname).some(
      (template) => method.toLowerCase() in document.paths[template],
    );
  if (serves(own)) return own;
  return owners.map(documentOf).find((document) => document !== undefined && serves(document)) ?? own;
}

/** One Ajv per document, each schema compiled once. */
const compiled = new WeakMap<
  ApiContractDocument,
  { ajv: Ajv2020; validators: WeakMap<object, ValidateFunction> }
>();

function validatorOf(document: ApiContractDocument, schema: Record<string, unknown>) {
  let entry = compiled.get(document);
  if (!entry) {
    // Formats zod writes; `logger: false` drops the warning for any other (then not checked).
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false })
      .addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
      .addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)))
      .addFormat('uri', (value: string) => URL.canParse(value));
    entry = { ajv, validators: new WeakMap() };
    compiled.set(document, entry);
  }
  let validate = entry.validators.get(schema);
  if (!validate) {
    validate = entry.ajv.compile(schema);
    entry.validators.set(schema, validate);
  }
  return { validate, ajv: entry.ajv };
}

/** `text/plain; version=0.0.4` → `text/plain`. */
const mediaType = (value: string | null | undefined) => (value ?? '').split(';')[0].trim().toLowerCase();

const mediaMatches = (documented: string, answered: string) => {
  const [type, subtype] = mediaType(documented).split('/');
  const [answeredType, answeredSubtype] = answered.split('/');
  return (type === '*' || type === answeredType) && (subtype === '*' || subtype === answeredSubtype);
};

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');

/**
 * The document's path that `pathname` falls under: a template's `{param}` matches one non-empty
 * segment, and a path with more literal segments wins (`/v1/messages/stats` before `/v1/messages/{id}`).
 * A trailing slash is ignored, as the services' router does.
 */
export function matchPath(paths: string[], pathname: string): string[] {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  let segments: string[];
  try {
    segments = trimmed.split('/').map(decodeURIComponent);
  } catch {
    // Not UTF-8 (`%FF`, a lone surrogate): no operation's path, whatever its shape.
    return [];
  }
  return paths
    .map((template) => {
      const parts = template.split('/');
      if (parts.length !== segments.length) return undefined;
      let literal = 0;
      for (const [index, part] of parts.entries()) {
        if (/^\{[^}]+\}$/.test(part)) {
          if (segments[index] === '') return undefined;
        } else if (part === segments[index]) literal++;
        else return undefined;
      }
      return { template, literal };
    })
    .filter((match) => match !== undefined)
    .sort((a, b) => b.literal - a.literal)
    .map((match) => match.template);
}

/**
 * How the server refuses a request no operation takes (unknown path or method, a path that is not
 * UTF-8): not found, or refused by the router or body parser before routing (bad URL or body,
 * too large, media type unknown).
 */
const REFUSED_UNROUTED = new Set([400, 404, 405, 413, 415, 431]);

/**
 * What is wrong with `response` (a clone the caller may consume) to `method url` by `document`, or
 * undefined. A request no operation takes may be refused (REFUSED_UNROUTED); every other answer must
 * be documented.
 */
export async function contractProblem(
  document: ApiContractDocument,
  method: string,
  url: URL,
  response: Response,
  text: () => Promise<string> = () => response.text(),
): Promise<string | undefined> {
  const verb = method.toLowerCase();
  const candidates = matchPath(Object.keys(document.paths), url.pathname);
  // HEAD is GET without a body (RFC 9110), and the router answers it for every GET route.
  const operationIn = (template: string) =>
    document.paths[template][verb] ?? (verb === 'head' ? document.paths[template].get : undefined);
  const template = candidates.find((candidate) => operationIn(candidate));
  if (!template) {
    if (REFUSED_UNROUTED.has(response.status)) return undefined;
    return candidates.length === 0
      ? 'the path matches no documented path'
      : `${method.toUpperCase()} is not documented for ${candidates[0]}`;
  }
  const responses = operationIn(template)?.responses ?? {};
  const status = String(response.status);
  const answer = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default;
  if (!answer)
    return `status ${status} is not documented for ${method.toUpperCase()} ${template} (documented: ${Object.keys(responses).join(', ')})`;
  const content = answer.content ?? {};
  const media = Object.keys(content);
  if (verb === 'head' || media.length === 0) return undefined;
  const type = mediaType(response.headers.get('content-type'));
  const documented = media.find((entry) => mediaMatches(entry, type));
  if (!documented)
    return `content-type "${response.headers.get('content-type') ?? ''}" is not one of ${media.join(', ')}`;
  const schema = content[documented].schema;
  if (!schema || !isJson(type)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(await text());
  } catch {
    return 'the body is not JSON';
  }
  const { validate, ajv } = validatorOf(document, schema);
  if (validate(body)) return undefined;
  return `the body does not match the schema: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
}

const serviceAt = (url: string) => {
  for (const [base, service] of services)
    if (url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`)) return service;
  return undefined;
};

/** Checks the answer to one request in the background; {@link contractViolations} waits for it. */
export function checkAnswer(method: string, requested: string, response: Response): void {
  if (undocumented.getStore()) return;
  const url = response.redirected && response.url ? response.url : requested;
  const service = serviceAt(url);
  if (!service) return;
  const document = service.document ?? documentFor(service.name, method, new URL(url).pathname);
  if (!document) return;
  const copy = response.clone();
  let body: string | undefined;
  const text = async () => (body ??= await copy.text());
  const check = contractProblem(document, method, new URL(url), copy, text)
    .then(async (problem) => {
      if (!problem) return;
      violations.push({
        service: service.name,
        method: method.toUpperCase(),
        path: new URL(url).pathname,
        status: response.status,
        problem,
        body: (await text().catch(() => '')).slice(0, 300),
      });
    })
    .catch((error: Error) => {
      violations.push({
        service: service.name,
        method: method.toUpperCase(),
        path: new URL(url).pathname,
        status: response.status,
        problem: `the check failed: ${error.message}`,
        body: '',
      });
    })
    .finally(() => {
      pending.delete(check);
      // A body the check did not need is not kept buffered beside the test's.
      if (body === undefined) copy.body?.cancel().catch(() => undefined);
    });
  pending.add(check);
}

const requestOf = (input: Parameters<typeof fetch>[0], init?: RequestInit) => ({
  method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
  url: input instanceof Request ? input.url : String(input),
});

const WATCHED = Symbol.for('smsgate.apiContract');

/** Wraps the global fetch (once): answers from registered services are checked against their documents. */
export function watchFetch(): void {
  const original = globalThis.fetch as typeof fetch & { [WATCHED]?: true };
  if (original[WATCHED]) return;
  const watched = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const { method, url } = requestOf(input, init);
    const response = await original(input, init);
    checkAnswer(method, url, response);
    return response;
  };
  globalThis.fetch = Object.assign(watched, { [WATCHED]: true as const });
}

/**
 * Runs `fn` with its requests unchecked: for a test that probes what no document can say (garbage
 * paths a fuzzer makes up, …). Use sparingly: an unknown path answered 404 needs no exemption.
 */
export function expectUndocumented<T>(fn: () => T): T {
  return undocumented.run(true, fn);
}

/** The violations found so far (after every pending check), and forgets them. */
export async function contractViolations(timeoutMs = 15_000): Promise<ContractViolation[]> {
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())));
    await Promise.race([Promise.allSettled([...pending]), late]);
    clearTimeout(timer);
  }
  // An answer still streaming is left unchecked rather than holding the suite.
  pending.clear();
  return violations.splice(0);
}

/** One line per distinct finding (a polling loop repeats the same one), with how often it was seen. */
export function formatViolations(found: ContractViolation[]): string {
  const distinct = new Map<string, { violation: ContractViolation; times: number }>();
  for (const v of found) {
    const key = `${v.service} ${v.method} ${v.path} ${v.status} ${v.problem}`;
    const entry = distinct.get(key);
    if (entry) entry.times++;
    else distinct.set(key, { violation: v, times: 1 });
  }
  return [
    `${found.length} answer(s) not as the committed OpenAPI document (docs/openapi/<service>.json) says:`,
    ...[...distinct.values()].map(
      ({ violation: v, times }) =>
        `- ${v.service}: ${v.method} ${v.path} → ${v.status}: ${v.problem}${times > 1 ? ` (${times} times)` : ''}\n  body: ${v.body || '(empty)'}`,
    ),
  ].join('\n');
}
