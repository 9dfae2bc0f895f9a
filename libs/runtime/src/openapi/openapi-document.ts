import { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiResponse {
  description: string;
  /** The JSON body; omitted for bodies that are not JSON (`contentType` then says what they are). */
  schema?: z.ZodType;
  contentType?: string;
  example?: unknown;
}

/** One route a service serves, as its OpenAPI operation: the zod schemas are the ones the route validates with. */
export interface ApiRoute {
  method: HttpMethod;
  /** Fastify's form: `/v1/channels/:uuid`. */
  path: string;
  summary: string;
  auth?: 'admin' | 'workspace' | 'none';
  body?: { schema: z.ZodType; example?: unknown };
  query?: z.ZodObject;
  responses: Record<number, ApiResponse>;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });

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

function operationOf(route: ApiRoute, params: string[]): Record<string, unknown> {
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.query ? (jsonSchema(route.query, 'input').properties ?? {}) : {}).map(
      ([name, schema]) => ({ name, in: 'query', required: false, schema: schema as object }),
    ),
  ];
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      const media = {
        ...(response.schema ? { schema: withoutDialect(jsonSchema(response.schema, 'output')) } : {}),
        ...(response.example === undefined ? {} : { example: response.example }),
      };
      const content =
        response.schema || response.contentType
          ? { [response.contentType ?? 'application/json']: media }
          : undefined;
      return [status, { description: response.description, ...(content ? { content } : {}) }];
    }),
  );
  return {
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    ...(route.auth && route.auth !== 'none'
      ? { security: [{ [route.auth === 'admin' ? 'adminToken' : 'workspaceKey']: [] }] }
      : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: withoutDialect(jsonSchema(route.body.schema, 'input')),
                ...(route.body.example === undefined ? {} : { example: route.body.example }),
              },
            },
          },
        }
      : {}),
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
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        workspaceKey: { type: 'http', scheme: 'bearer', description: "the workspace's API key" },
      },
    },
  };
}
