import { serviceEnv, ServiceProcess, startInFreshGroup, type ServiceName } from '@smsgate/testing';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** Each service and paths its page must show besides the runtime's. */
const SERVICES: [ServiceName, string[]][] = [
  [
    'ingress',
    ['/v1/messages', '/c/{type}/{uuid}/{action}', '/resources/v1/messaging', '/v1/channels/{uuid}'],
  ],
  ['dlr-tracker', ['/v1/messages/{id}', '/v1/stats']],
  ['cht-relay', ['/api/v2/broadcasts.json', '/rapidpro/{channelUuid}/send', '/v1/cht/target']],
  ['smpp-binds', ['/v1/binds']],
  ['smpp-server', ['/v1/smpp-server/sessions']],
  ['console', ['/v1/dead-letters', '/v1/binds', '/v1/whoami']],
  ['dispatcher', []],
];

const committed = (service: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'docs', 'openapi', `${service}.json`), 'utf8'));

describe('each service serves its API reference', () => {
  const running = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    const started = await Promise.all(
      SERVICES.map(([name]) => startInFreshGroup(name, `${name}-api-docs-e2e`, serviceEnv())),
    );
    for (const service of started) running.set(service.name, service);
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.stop()));
  });

  it.each(SERVICES)('%s: /openapi.json is the committed docs/openapi document', async (name) => {
    const answer = await fetch(`${running.get(name)!.url}/openapi.json`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual(committed(name));
  });

  it.each(SERVICES)(
    "%s: /docs renders the service's operations in a real browser, served by the service alone, with nothing failing",
    async (name, paths) => {
      const service = running.get(name)!;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(__dirname, 'support', 'docs-browser.mjs'), service.url, chromium],
        { timeout: 60_000 },
      );
      const seen = JSON.parse(stdout) as PageSeen;
      expect(seen.paths).toEqual(expect.arrayContaining([...paths, '/health/ready', '/openapi.json']));
      expect(seen.title).toContain(name);
      // No CDN: every request over the network goes to the service.
      expect(
        seen.fetched.filter((url) => /^https?:/.test(url) && !url.startsWith(`${service.url}/`)),
      ).toEqual([]);
      expect(seen.fetched).toEqual(expect.arrayContaining([`${service.url}/openapi.json`]));
      expect(seen.problems).toEqual([]);
    },
  );

  // The browser's requests bypass the contract check (e2e-setup.ts): these go through it.
  it('smpp-binds answers its own routes as its committed document says, assets and unknown files included', async () => {
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
      const response = await fetch(`${running.get('smpp-binds')!.url}${path}`);
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
