import { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One media type of a request or response body. */
export interface ApiContent {
  /** The body's schema; omitted for bodies that are not JSON-like (`contentType` then says what they are). */
  schema?: z.ZodType;
  /** `application/json` unless given. */
  contentType?: string;
  example?: unknown;
}

export interface ApiResponse extends ApiContent {
  description: string;
  /** Further media types the same status may answer with (an XML or text answer beside JSON, …). */
  alternatives?: ApiContent[];
}

/**
 * How a route authenticates: the keys of {@link securitySchemes}, or `none` for routes anyone may call
 * (a provider's webhook that its channel's id in the URL identifies, a short link, …).
 */
export type ApiAuth = keyof typeof securitySchemes | 'none';

/** One route a service serves, as its OpenAPI operation: the zod schemas are the ones the route validates with. */
export interface ApiRoute {
  method: HttpMethod;
  /** Fastify's form: `/v1/channels/:uuid`. */
  path: string;
  summary: string;
  /** Longer prose (CommonMark), shown under the summary. */
  description?: string;
  /** The group the operation is listed under in /docs. */
  tag?: string;
  auth?: ApiAuth;
  /** The path parameters' schemas; a parameter without one is a plain string. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (lower-case names). */
  headers?: z.ZodObject;
  /** The request body; several entries for several media types. */
  body?: ApiContent | ApiContent[];
  responses: Record<number, ApiResponse>;
}

export const securitySchemes = {
  admin: { name: 'adminToken', scheme: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
  workspace: {
    name: 'workspaceKey',
    scheme: {
      type: 'http',
      scheme: 'bearer',
      description:
        "the workspace's API key; or, where the service takes the admin token (ingress, dlr-tracker), " +
        '`ADMIN_TOKEN` with the header `X-Smsgate-Workspace: <workspace id>`, acting within that workspace ' +
        'as its key would (without the header: 400; an unknown workspace: 404)',
    },
  },
  rapidpro: {
    name: 'rapidProToken',
    scheme: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: "RapidPro's form, `Authorization: Token <key>`, the key being the workspace's API key",
    },
  },
  rapidproSend: {
    name: 'rapidProSendAuthorization',
    scheme: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        "the whole header as the RapidPro channel mapping's `sendAuthorization` gives it (RapidPro's channel " +
        'sends it); a mapping without one takes requests without it',
    },
  },
} as const;

/** The body of every error answer (see HttpErrorFilter); some routes add fields of their own. */
export const ApiError = z.object({
  statusCode: z.number().int(),
  message: z.string().describe('the reason, for a person to read'),
  error: z.string().optional(),
  field: z.string().optional().describe('the field refused, where one was'),
});

/** Node answers it before any handler, without a JSON body: every route may. */
export const headersTooLarge: ApiResponse = {
  description: "the request line and headers exceed Node's limit (16 KiB)",
};

/** An error answer with the usual body. */
export const errorAnswer = (description: string): ApiResponse => ({ description, schema: ApiError });

/**
 * The answers every route of a service may give besides its own, added where a route does not describe
 * them itself: 401 where it authenticates, the edge's refusals (unstorable input, headers too large), the
 * body parser's where it reads a body, and 503
 * (with `Retry-After`) when PostgreSQL or Kafka cannot serve. A 500 is never described: it is a defect.
 */
export function withCommonAnswers(route: ApiRoute): ApiRoute {
  const common: Record<number, ApiResponse> = {};
  if (route.auth && route.auth !== 'none') common[401] = errorAnswer('no credentials, or not valid ones');
  common[400] = errorAnswer(
    'a parameter or field PostgreSQL cannot store (NUL, an unpaired surrogate), or input nested too deep',
  );
  if (route.body) common[400] = errorAnswer('the body is malformed or refused: `message` says why');
  // The admin token acting within a workspace (WorkspaceAuthGuard): the header missing or no workspace id.
  if (route.auth === 'workspace') {
    common[400] = errorAnswer(
      `${common[400].description}; or the admin token without \`X-Smsgate-Workspace\`, or with one that is no workspace id`,
    );
    common[404] = errorAnswer(
      'the admin token named a workspace (`X-Smsgate-Workspace`) that does not exist',
    );
  }
  // Fastify reads a body sent with any method but GET, whether the route reads it or not.
  if (route.method !== 'get') {
    common[413] = errorAnswer('the body exceeds the limit (1 MiB unless the service sets its own)');
    common[415] = errorAnswer('a content type the service does not read');
  }
  // The router refuses a path parameter over its length limit (100 characters) before any handler.
  if (openApiPath(route.path).params.length > 0)
    common[414] = { description: 'a path parameter longer than 100 characters' };
  common[431] = headersTooLarge;
  common[503] = errorAnswer('a dependency cannot serve right now: retry after `Retry-After` seconds');
  return { ...route, responses: { ...common, ...route.responses } };
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;

const withoutDialect = ({ $schema: _dialect, ...schema }: Record<string, unknown>) => schema;

/** `/v1/channels/:uuid` → `/v1/channels/{uuid}` and the names of its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z_]\w*)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

/** The parameters a zod object describes, each with its own description lifted to the parameter. */
function parametersOf(where: 'query' | 'header' | 'path', schema: z.ZodObject | undefined, names?: string[]) {
  const described = schema ? jsonSchema(schema, 'input') : {};
  const properties = (described.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((described.required as string[] | undefined) ?? []);
  const listed = names ?? Object.keys(properties);
  return listed.map((name) => {
    const { description, ...property } = properties[name] ?? { type: 'string' };
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: property,
    };
  });
}

function contentOf(
  entries: ApiContent[],
  io: 'input' | 'output',
): Record<string, Record<string, unknown>> | undefined {
  const content: Record<string, Record<string, unknown>> = {};
  for (const entry of entries) {
    if (!entry.schema && !entry.contentType) continue;
    content[entry.contentType ?? 'application/json'] = {
      ...(entry.schema ? { schema: withoutDialect(jsonSchema(entry.schema, io)) } : {}),
      ...(entry.example === undefined ? {} : { example: entry.example }),
    };
  }
  return Object.keys(content).length > 0 ? content : undefined;
}

function operationOf(route: ApiRoute, params: string[]): Record<string, unknown> {
  const parameters = [
    ...parametersOf('path', route.params, params),
    ...parametersOf('query', route.query),
    ...parametersOf('header', route.headers),
  ];
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      const content = contentOf([response, ...(response.alternatives ?? [])], 'output');
      return [status, { description: response.description, ...(content ? { content } : {}) }];
    }),
  );
  const body = route.body && contentOf([route.body].flat(), 'input');
  return {
    ...(route.tag ? { tags: [route.tag] } : {}),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    security: route.auth && route.auth !== 'none' ? [{ [securitySchemes[route.auth].name]: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, content: body } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of a service's routes. */
export function openApiDocument(service: string, routes: ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const { path, params } = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route, params) };
  }
  const used = new Set(routes.map((route) => route.auth));
  return {
    openapi: '3.1.1',
    info: {
      title: `smsgate ${service}`,
      version: '0.1.0',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: Object.fromEntries(
        Object.entries(securitySchemes)
          .filter(([auth]) => used.has(auth as ApiAuth))
          .map(([, { name, scheme }]) => [name, scheme]),
      ),
    },
  };
}
