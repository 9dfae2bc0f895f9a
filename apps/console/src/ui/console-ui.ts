import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * Nothing but this origin: no inline script or style, no CDN, no font from elsewhere; the page cannot be
 * framed. The key the operator signs in with stays in the page's memory (never a URL, never storage).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Where `npm run build` puts the pages: dist/apps/console/ui beside dist/apps/console/src. */
export const defaultUiDir = (): string => path.join(__dirname, '..', '..', 'ui');

/**
 * Serves the console's page at `/` and its files under `/ui/`, read once at start from the build's output
 * (a few hundred KB). A file that is not there is a 404; nothing outside the folder can be named.
 */
export function serveConsoleUi(fastify: FastifyInstance, dir = defaultUiDir()): void {
  const files = new Map<string, { type: string; body: Buffer }>();
  const load = (sub: string) => {
    const folder = path.join(dir, sub);
    if (!existsSync(folder)) return;
    for (const name of readdirSync(folder)) {
      const type = TYPES[path.extname(name)];
      if (type) files.set(path.posix.join(sub, name), { type, body: readFileSync(path.join(folder, name)) });
    }
  };
  load('');
  load('vendor');
  const page = files.get('index.html');
  if (!page) throw new Error(`the console's page is missing from ${dir}: run \`npm run build\``);

  fastify.get('/', (_request, reply) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').type(page.type).send(page.body),
  );
  fastify.get<{ Params: { '*': string } }>('/ui/*', (request, reply) => {
    const file = files.get(request.params['*']);
    if (!file || request.params['*'] === 'index.html')
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'no such file' });
    return reply
      .headers(SECURITY_HEADERS)
      .header('cache-control', 'no-cache')
      .type(file.type)
      .send(file.body);
  });
}
