import Fastify, { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY, serveConsoleUi } from './console-ui';

describe("the console's pages", () => {
  let app: FastifyInstance;
  const dir = mkdtempSync(path.join(tmpdir(), 'console-ui-'));

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'vendor'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>smsgate console</title>');
    writeFileSync(path.join(dir, 'app.js'), 'export {};');
    writeFileSync(path.join(dir, 'vendor', 'uPlot.esm.js'), 'export default 1;');
    writeFileSync(path.join(dir, 'notes.txt'), 'not served');
    writeFileSync(path.join(tmpdir(), 'outside.js'), 'secret');
    app = Fastify();
    serveConsoleUi(app, dir);
    await app.ready();
  });

  afterAll(() => app.close());

  it('serves the page at / with a policy that allows nothing but this origin', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('serves its scripts and the charting library, and nothing else', async () => {
    const [script, vendor, text, outside, encoded, index] = await Promise.all(
      [
        '/ui/app.js',
        '/ui/vendor/uPlot.esm.js',
        '/ui/notes.txt',
        '/ui/../outside.js',
        '/ui/..%2Foutside.js',
        '/ui/index.html',
      ].map((url) => app.inject({ method: 'GET', url })),
    );
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(vendor.body).toBe('export default 1;');
    expect([text, outside, encoded, index].map((answer) => answer.statusCode)).toEqual([404, 404, 404, 404]);
  });

  it('will not start without the built pages', () => {
    expect(() => serveConsoleUi(Fastify(), path.join(dir, 'missing'))).toThrow(/run `npm run build`/);
  });
});
