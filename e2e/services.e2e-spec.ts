import {
  ADMIN_TOKEN,
  SECRETS_KEY,
  serviceEnv,
  ServiceName,
  ServiceProcess,
  startInFreshGroup,
  waitFor,
} from '@smsgate/testing';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

const ALL: ServiceName[] = [
  'ingress',
  'dispatcher',
  'smpp-binds',
  'dlr-tracker',
  'cht-relay',
  'smpp-server',
  'console',
];
/** Services that join no consumer group: started as they are, with no group of their own to set up. */
const CONSUMES_NOTHING: ServiceName[] = ['console'];

describe('every service', () => {
  const env = serviceEnv();

  it('boots, reports live and ready, serves Prometheus metrics, logs JSON and stops cleanly on SIGTERM', async () => {
    // A group of its own per service, starting at the topics' end: nothing of other suites to replay.
    const services = await Promise.all(
      ALL.map((name) =>
        CONSUMES_NOTHING.includes(name)
          ? ServiceProcess.start(name, env)
          : startInFreshGroup(name, `${name}-services-e2e`, env),
      ),
    );
    try {
      for (const service of services) {
        const live = await fetch(`${service.url}/health/live`);
        expect(live.status).toBe(200);
        const ready = await fetch(`${service.url}/health/ready`);
        expect(await ready.json()).toMatchObject({
          status: 'ready',
          checks: { kafka: true, postgres: true },
        });
        const metrics = await fetch(`${service.url}/metrics`);
        expect(metrics.headers.get('content-type')).toContain('text/plain');
        const text = await metrics.text();
        expect(text).toContain(`process_cpu_user_seconds_total{service="${service.name}"}`);
        expect(text).toMatch(
          /smsgate_http_request_duration_seconds_bucket\{.*route="\/health\/ready"|# HELP smsgate_http_request_duration_seconds/,
        );
      }
    } finally {
      const codes = await Promise.all(services.map((service) => service.stop('SIGTERM')));
      // A service that did not stop cleanly shows its own lines: the exit code alone does not say why.
      const unclean = services.filter((_, index) => codes[index] !== 0);
      expect(unclean.map((service) => `${service.name}: ${service.output}`)).toEqual([]);
    }
    for (const service of services) {
      const lines = service.output.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(service.output).toContain('"msg":"stopped"');
      expect(service.output).not.toContain(SECRETS_KEY);
      expect(service.output).not.toContain(ADMIN_TOKEN);
    }
  });

  it("exports OpenTelemetry spans over OTLP/HTTP when a collector is configured, in the caller's trace", async () => {
    const posts: { path: string; body: string }[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        posts.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const ingress = await ServiceProcess.start('ingress', {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const answer = await fetch(`${ingress.url}/v1/workspaces`, {
        method: 'POST',
        headers: {
          traceparent: `00-${traceId}-b7ad6b7169203331-01`,
          authorization: 'Bearer wrong',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'traced' }),
      });
      expect(answer.status).toBe(401);
      // OTLP/JSON names ids in hex; the request's span is a server span of the caller's trace.
      await waitFor(() => posts.some((post) => post.body.includes(traceId)), { timeoutMs: 15_000 });
      const post = posts.find((p) => p.body.includes(traceId))!;
      expect(post.path).toBe('/v1/traces');
      expect(post.body).toContain('smsgate-ingress');
      expect(post.body).toContain('b7ad6b7169203331'); // the parent span id from the header
    } finally {
      expect(await ingress.stop('SIGTERM')).toBe(0);
      collector.close();
    }
    expect(ingress.output).toContain('exporting OpenTelemetry spans');
  });

  it.each([
    ['a missing KAFKA_BROKERS', { KAFKA_BROKERS: '' }, 'KAFKA_BROKERS'],
    ['a malformed DATABASE_URL', { DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    ['a short SECRETS_KEY', { SECRETS_KEY: 'c2hvcnQ=' }, 'SECRETS_KEY'],
    ['a PORT that is not a number', { PORT: 'eighty' }, 'PORT'],
  ])('refuses to boot with %s and says which variable is wrong', (_label, override, variable) => {
    const main = path.resolve(__dirname, '../dist/apps/ingress/src/main.js');
    const result = spawnSync(process.execPath, [main], {
      env: { ...process.env, ...env, ...override },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    const line = JSON.parse(result.stderr.trim().split('\n').pop()!) as { msg: string; problems: string[] };
    expect(line.msg).toBe('invalid configuration');
    expect(line.problems.join('\n')).toContain(variable);
    expect(result.stderr).not.toContain('c2hvcnQ=');
  });
});
