import Ajv2020 from 'ajv/dist/2020';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiRoute } from '@smsgate/runtime';
import { apiDocuments, consoleForwardedRoutes, renderApiDocument, servedModules } from './api-reference';
import { nestRoutes } from './nest-routes';

// Ajv resolves `$dynamicRef: "#meta"` to the wrong schema (it then checks a parameter's schema as a parameter);
// without the dialect extension the anchor is the plain `$defs/schema`, which a `$ref` names the same.
const openApi31Schema = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'vendor', 'oas-3.1-schema.json'), 'utf8').replaceAll(
    '"$dynamicRef": "#meta"',
    '"$ref": "#/$defs/schema"',
  ),
) as object;
const documents = Object.entries(apiDocuments());
const fileOf = (service: string) =>
  path.join(__dirname, '..', '..', '..', 'docs', 'openapi', `${service}.json`);

interface Media {
  schema?: object;
  example?: unknown;
}

/** Every request and response example of a document, with the schema beside it. */
function examplesOf(document: Record<string, unknown>): { where: string; media: Media }[] {
  const found: { where: string; media: Media }[] = [];
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  for (const [route, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const body = operation.requestBody as { content: Record<string, Media> } | undefined;
      const responses = operation.responses as Record<string, { content?: Record<string, Media> }>;
      const media = [
        ...Object.entries(body?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
        ...Object.entries(responses).flatMap(([status, r]) =>
          Object.entries(r.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
        ),
      ];
      for (const [what, m] of media) {
        if (m.example !== undefined)
          found.push({ where: `${method.toUpperCase()} ${route} ${what}`, media: m });
      }
    }
  }
  return found;
}

describe.each(documents)('docs/openapi/%s.json', (service, document) => {
  it('is what the route registry says', () => {
    const expected = renderApiDocument(document);
    if (process.env.UPDATE_API_REFERENCE === '1') writeFileSync(fileOf(service), expected);
    // A failure here means a route or its schema changed: run `npm run docs:openapi` and review the diff.
    expect(readFileSync(fileOf(service), 'utf8')).toBe(expected);
  });

  it('is a valid OpenAPI 3.1 document', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(openApi31Schema);
    expect({ valid: validate(document), errors: validate.errors ?? null }).toEqual({
      valid: true,
      errors: null,
    });
  });

  it('has examples that its schemas accept', () => {
    const examples = examplesOf(document);
    expect(examples.length).toBeGreaterThan(0);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const { where, media } of examples) {
      const validate = ajv.compile(media.schema ?? {});
      expect({ where, valid: validate(media.example), errors: validate.errors ?? null }).toEqual({
        where,
        valid: true,
        errors: null,
      });
    }
  });

  it('shows no secret-looking value', () => {
    expect(JSON.stringify(document)).not.toMatch(/"(token|password|secret|apiKey|key)"\s*:\s*"[^"]+"/i);
  });
});

describe('the route registries', () => {
  const documented = (routes: ApiRoute[]) =>
    routes.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort();

  it.each(Object.entries(servedModules()))(
    'hold every route %s serves, and only those',
    (_service, { module, routes }) => {
      expect(documented(routes)).toEqual(nestRoutes(module));
    },
  );
});

describe("the console's document", () => {
  it('passes on only routes their owners serve and describe, none of its own', () => {
    const forwarded = consoleForwardedRoutes();
    expect(forwarded.map((route) => `${route.method.toUpperCase()} ${route.path}`)).toContain(
      'POST /v1/messages',
    );
    const own = Object.keys(apiDocuments().console.paths as object);
    for (const route of forwarded) expect(own).not.toContain(route.path.replace(/:(\w+)/g, '{$1}'));
  });
});
