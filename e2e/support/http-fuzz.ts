import fc from 'fast-check';

/** One public route: its method, a path with `:params`, the fields it reads, and who may call it. */
export interface RouteSpec {
  service: string;
  method: string;
  path: string;
  /** Field names the route reads (body or query): the fuzzer uses them more often than random ones. */
  fields?: string[];
  /** A body that passes validation, which the fuzzer mutates to reach deeper code. */
  valid?: Record<string, unknown>;
  /** Real values for this route's path params (else the world's, by name). */
  params?: Record<string, string[]>;
  /** The credentials the route takes. */
  auth?: Auth;
}

/** What the fuzzer can put in a request: credentials and ids of real fixtures. */
export interface FuzzWorld {
  urls: Record<string, string>;
  apiKey: string;
  adminToken: string;
  /** Values for path params by name (real ids), next to random ones. */
  ids: Record<string, string[]>;
}

export interface FuzzRequest {
  service: string;
  method: string;
  route: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Strings that broke things before, and their neighbours. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'in\u0000nul',
  '\ud800',
  'x\udfff',
  '\ud83d\ude00',
  '😀',
  '+254712345678',
  '0712345678',
  'tel:+254712345678',
  'not a url',
  'x',
  'https://example.org/hook',
  'http://127.0.0.1:1/x',
  'https://user:pw@example.org',
  '2026-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:00:00-05:00',
  '2026-11-22T10:00:00+23:00',
  '$(name)',
  '__proto__',
  'constructor',
  'gateway',
  'rapidpro',
  'sms',
  'ex',
  'template',
  '-1',
  '1e400',
  '0190a3c2-1111-7aaa-8bbb-000000000001',
  'a'.repeat(33),
  'a'.repeat(129),
  'b'.repeat(10_001),
];

export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );

const leaf = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: nastyString() },
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(1e21, -0, 2 ** 53 + 1, 9e15),
  );

/** JSON-able values, nested a little, strings nasty. */
export const nastyValue = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: leaf() },
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(nastyString(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

const fieldNames = (route: RouteSpec): string[] => (route.fields?.length ? route.fields : ['x']);

/** A body for `route`: its valid body with fields replaced or added, or fields of its own, or anything. */
const bodyObject = (route: RouteSpec): fc.Arbitrary<unknown> => {
  const names = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fieldNames(route)) }, nastyString());
  const fields = fc.dictionary(names, nastyValue(), { maxKeys: 4 });
  const oneField = fc.dictionary(names, nastyValue(), { minKeys: 1, maxKeys: 1 });
  return fc.oneof(
    { weight: 4, arbitrary: oneField.map((extra) => ({ ...route.valid, ...extra })) },
    { weight: 2, arbitrary: fields.map((extra) => ({ ...route.valid, ...extra })) },
    { weight: 2, arbitrary: fields },
    { weight: 2, arbitrary: fc.constant(route.valid ?? {}) },
    { weight: 1, arbitrary: nastyValue() },
    {
      weight: 1,
      arbitrary: fc.array(
        fields.map((extra) => ({ ...route.valid, ...extra })),
        { maxLength: 3 },
      ),
    },
  );
};

/** Percent-encodes UTF-8 bytes: lone surrogates (which encodeURIComponent refuses) become U+FFFD's bytes. */
export const pct = (value: string): string =>
  [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** Raw, possibly invalid, percent-encoded snippets: NUL, a CESU-8 lone surrogate, a broken escape. */
const RAW_SEGMENTS = ['%00', '%ED%A0%80', '%FF', '%', '%2', '..', '%2e%2e', 'a%2Fb'];

const segment = (): fc.Arbitrary<string> =>
  fc.oneof(nastyString().map(pct), fc.constantFrom(...RAW_SEGMENTS), fc.uuid().map(String));

const formOf = (value: unknown): string => {
  const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  return Object.entries(fields)
    .map(
      ([name, field]) =>
        `${pct(name)}=${pct(typeof field === 'string' ? field : (JSON.stringify(field) ?? ''))}`,
    )
    .join('&');
};

const multipartOf = (value: unknown, boundary: string): string => {
  const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  return (
    Object.entries(fields)
      .map(
        ([name, field]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '_')}"\r\n\r\n${typeof field === 'string' ? field : JSON.stringify(field)}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`
  );
};

type Encoded = { type?: string; body?: string | Uint8Array };

const encodedBody = (route: RouteSpec): fc.Arbitrary<Encoded> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: bodyObject(route).map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
    },
    {
      weight: 2,
      arbitrary: bodyObject(route).map((v) => ({
        type: 'application/x-www-form-urlencoded',
        body: formOf(v),
      })),
    },
    {
      weight: 2,
      arbitrary: bodyObject(route).map((v) => ({
        type: 'multipart/form-data; boundary=fuzzfuzz',
        body: multipartOf(v, 'fuzzfuzz'),
      })),
    },
    {
      weight: 1,
      arbitrary: bodyObject(route).map((v) => ({ type: 'multipart/form-data', body: multipartOf(v, 'b') })),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 40 })
        .map((s) => ({ type: 'multipart/form-data; boundary=x', body: s })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'application/json',
            'application/json; charset=latin1',
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded; charset=utf-16',
            'foo',
            '*/*',
            'multipart/mixed; boundary=x',
          ),
          fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })),
        )
        .map(([type, body]) => ({ type, body })),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );

export type Auth = 'workspace' | 'admin' | 'token' | 'imi' | 'none';

const credentialsOf = (auth: Auth, world: FuzzWorld): Record<string, string> =>
  ({
    workspace: { authorization: `Bearer ${world.apiKey}` },
    admin: { authorization: `Bearer ${world.adminToken}` },
    token: { authorization: `Token ${world.apiKey}` },
    imi: { key: world.apiKey },
    none: {},
  })[auth];

/** The route's own credentials most often; others, none or garbage sometimes. */
const credentials = (route: RouteSpec, world: FuzzWorld): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(credentialsOf(route.auth ?? 'none', world)) },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom<Auth>('workspace', 'admin', 'token', 'imi', 'none')
        .map((auth) => credentialsOf(auth, world)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('authorization', 'key'), fc.string({ unit: 'grapheme-ascii', maxLength: 40 }))
        .map(([name, value]) => ({ [name]: value.trim() })),
    },
  );

const extraHeaders = (): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(
    fc.constantFrom('idempotency-key', 'traceparent', 'accept', 'x-forwarded-for'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 140 }).map((s) => s.trim()),
    { maxKeys: 2 },
  );

const realValues = (route: RouteSpec, world: FuzzWorld, name: string): string[] => {
  const values = route.params?.[name] ?? world.ids[name];
  return values?.length ? values : ['x'];
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Requests against `routes`: mostly their own method and real ids, sometimes anything. */
export function fuzzRequest(routes: RouteSpec[], world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const params = route.path.match(/:[A-Za-z]+/g) ?? [];
    const paramValues = fc.tuple(
      ...params.map((param) =>
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...realValues(route, world, param.slice(1))) },
          segment(),
        ),
      ),
    );
    const query = fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      fc
        .dictionary(
          fc.oneof(fc.constantFrom(...fieldNames(route)), nastyString()),
          fc.oneof(nastyString().map(pct), fc.constantFrom(...RAW_SEGMENTS)),
          { minKeys: 1, maxKeys: 3 },
        )
        .map(
          (fields) =>
            `?${Object.entries(fields)
              .map(([k, v]) => `${pct(k)}=${v}`)
              .join('&')}`,
        ),
    );
    return fc
      .record({
        method: fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
        values: paramValues,
        query,
        body: encodedBody(route),
        credentials: credentials(route, world),
        headers: extraHeaders(),
      })
      .map(({ method, values, query, body, credentials, headers }) => {
        let path = route.path;
        params.forEach((param, index) => (path = path.replace(param, values[index] ?? '')));
        const withBody = method !== 'GET' && method !== 'HEAD';
        return {
          service: route.service,
          method,
          route: `${route.method} ${route.path}`,
          url: `${world.urls[route.service]}${path}${query}`,
          headers: {
            ...headers,
            ...credentials,
            ...(withBody && body.type ? { 'content-type': body.type } : {}),
          },
          body: withBody ? body.body : undefined,
        };
      });
  });
}

/** Whether an error body says why, in any of the shapes smsgate answers (its own, RapidPro's, IMIconnect's). */
export function hasReason(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const nonEmpty = (value: unknown) => typeof value === 'string' && value.length > 0;
  if (nonEmpty(b.message) && b.message !== 'Error') return true;
  if (nonEmpty(b.detail)) return true;
  const first = (list: unknown) =>
    Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
  if (nonEmpty(first(b.response)?.description)) return true;
  if (nonEmpty(first(b.data)?.error)) return true;
  // RapidPro's field errors: {"urns": ["…"]}.
  return Object.values(b).some((value) => Array.isArray(value) && value.some(nonEmpty));
}
