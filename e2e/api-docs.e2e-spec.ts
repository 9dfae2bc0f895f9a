import { serviceEnv, ServiceProcess, startInFreshGroup } from '@smsgate/testing';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** Debian's chromium, which scripts/test.sh installs (ensure_chromium). */
const chromium = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

interface PageSeen {
  paths: string[];
  title: string;
  fetched: string[];
  problems: string[];
}

describe('the API reference page (/docs) in a real browser', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startInFreshGroup('smpp-binds', 'smpp-binds-api-docs-e2e', serviceEnv());
  });

  afterAll(async () => {
    await service?.stop();
  });

  it("renders the service's operations from its own /openapi.json, with nothing failing", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(__dirname, 'support', 'docs-browser.mjs'), service.url, chromium],
      { timeout: 60_000 },
    );
    const seen = JSON.parse(stdout) as PageSeen;
    expect(seen.paths).toEqual(expect.arrayContaining(['/v1/binds', '/health/ready', '/openapi.json']));
    expect(seen.title).toContain('smpp-binds');
    // Served by the service itself, no CDN: every request over the network goes to the service.
    expect(seen.fetched.filter((url) => /^https?:/.test(url) && !url.startsWith(`${service.url}/`))).toEqual(
      [],
    );
    expect(seen.fetched).toEqual(expect.arrayContaining([`${service.url}/openapi.json`]));
    expect(seen.problems).toEqual([]);
  });

  // The browser's requests bypass the contract check (e2e-setup.ts): these go through it.
  it('answers its own routes as its committed document says, assets and unknown files included', async () => {
    const statuses: Record<string, number> = {};
    for (const path of [
      '/openapi.json',
      '/docs',
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
      '/docs/docs-init.js',
      '/docs/favicon-32x32.png',
      '/docs/nothing.js',
      '/health/live',
      '/metrics',
      '/v1/binds',
    ]) {
      const response = await fetch(`${service.url}${path}`);
      statuses[path] = response.status;
      await response.arrayBuffer();
    }
    expect(statuses).toMatchObject({
      '/docs/favicon-32x32.png': 200,
      '/docs/nothing.js': 404,
      '/v1/binds': 401,
    });
  });
});
