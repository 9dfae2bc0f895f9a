import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCompose, repoRoot } from './compose-file';
import { Manifest } from './manifests';

/** One process a deployment form runs: the command its image or manifest gives, with its environment. */
export interface ProcessPlan {
  /** `<kind>/<name>` of what declares it, e.g. `Deployment/smsgate-ingress` or `compose/ingress`. */
  source: string;
  app: string;
  command: string[];
  env: Record<string, string>;
}

/** A long-running service: ready when its readiness probe answers 200 on `port` (as declared). */
export interface ServicePlan extends ProcessPlan {
  readyPath: string;
  port: number;
}

/** Where, inside a form's network, one service reaches another: `host:port` → the app and its port there. */
export type Addresses = Record<string, { app: string; port: number }>;

/** What a form starts: the migration job first, then every service; and how they reach one another. */
export interface BootPlan {
  migrate: ProcessPlan;
  services: ServicePlan[];
  addresses: Addresses;
}

/** The variables that name another service of the gateway: app → variable → the app it must reach. */
export const SERVICE_URLS: Record<string, Record<string, string>> = {
  // GET /v1/messages (the list) is passed on to dlr-tracker.
  ingress: { MESSAGES_API_URL: 'dlr-tracker' },
  // The routes the console uses are passed on to their owners.
  console: { INGRESS_URL: 'ingress', DLR_TRACKER_URL: 'dlr-tracker' },
};

/** The app (and its port) an `http(s)://host[:port]` URL reaches in a form; undefined for anything else. */
export function reached(addresses: Addresses, value: string): { app: string; port: number } | undefined {
  if (!/^https?:\/\//.test(value)) return undefined;
  const url = new URL(value);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return addresses[`${url.hostname}:${port}`];
}

export const APPS = [
  'ingress',
  'dispatcher',
  'smpp-binds',
  'dlr-tracker',
  'cht-relay',
  'smpp-server',
  'console',
];

/**
 * The runtime image's environment and command (Dockerfile): `ENV` lines, and `CMD node dist/main.js`,
 * where dist/main.js is the one line the Dockerfile writes, requiring the app's own main.js.
 */
export function imageDefaults(app: string): { env: Record<string, string>; command: string[] } {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV ')))
    for (const [, name, quoted, bare] of line.slice(4).matchAll(/([A-Z_]+)=(?:"([^"]*)"|(\S*))/g))
      env[name] = (quoted ?? bare).replace('${APP}', app);
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  if (!cmd) throw new Error('the Dockerfile has no CMD in its runtime stage');
  return { env, command: (JSON.parse(cmd) as string[]).map((arg) => entry(arg, app)) };
}

const entry = (arg: string, app: string) => (arg === 'dist/main.js' ? `dist/apps/${app}/src/main.js` : arg);

/** The app an image runs: `smsgate-<app>` by any registry, tag or digest. */
export function appOfImage(image: string): string {
  const app = /(?:^|\/)smsgate-([a-z-]+?)(?::[^/]*|@.*)?$/.exec(image)?.[1];
  if (!app || !APPS.includes(app)) throw new Error(`image ${image} is not one of smsgate's`);
  return app;
}

const stringValues = (env: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)]));

/** The demo's shell variables (deploy/README.md: `export ADMIN_TOKEN=… SECRETS_KEY=…`), generated. */
export function composeShellEnv(): Record<string, string> {
  const readme = readFileSync(path.join(repoRoot, 'deploy', 'README.md'), 'utf8');
  const line = /^export (.*)$/m.exec(readme)?.[1] ?? '';
  return generateSecrets([...line.matchAll(/([A-Z_]+)=/g)].map(([, name]) => name));
}

/** docker-compose.yml as Compose runs it, with only `shell` for interpolation. */
export function composePlan(shell: Record<string, string>): BootPlan {
  const compose = loadCompose(shell);
  const envOf = (name: string, app: string): Record<string, string> => {
    const { env_file, environment = {} } = compose.services[name];
    const files = [env_file ?? []].flat();
    const fromFiles = files.map((file) => envFile(readFileSync(path.join(repoRoot, file), 'utf8')));
    // A key without a value passes the shell's value on (unset when the shell has none).
    const given = Object.entries(environment).map(([key, value]): [string, unknown] => [
      key,
      value ?? shell[key],
    ]);
    return {
      ...imageDefaults(app).env,
      ...(Object.assign({}, ...fromFiles) as Record<string, string>),
      ...stringValues(Object.fromEntries(given.filter(([, value]) => value !== undefined))),
    };
  };
  const processOf = (name: string): ProcessPlan => {
    const service = compose.services[name];
    const app = typeof service.build === 'object' ? service.build.args?.APP : undefined;
    if (!app) throw new Error(`compose service ${name} builds no smsgate app`);
    const command = service.command?.map((arg) => entry(arg, app)) ?? imageDefaults(app).command;
    return { source: `compose/${name}`, app, command, env: envOf(name, app) };
  };
  const services = APPS.map((name): ServicePlan => {
    const test = compose.services[name]?.healthcheck?.test.join(' ') ?? '';
    const probe = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/health\/ready)/.exec(test);
    if (!probe) throw new Error(`compose service ${name} has no health check on /health/ready`);
    return { ...processOf(name), readyPath: probe[2], port: Number(probe[1]) };
  });
  // On the compose network a service is reached by its name, on the port it listens on in its container.
  const addresses: Addresses = {};
  APPS.forEach((name, i) => {
    const port = Number(services[i].env.PORT ?? services[i].port);
    addresses[`${name}:${port}`] = { app: services[i].app, port };
  });
  return { migrate: processOf('migrate'), services, addresses };
}

/** An `env_file`: `NAME=value` lines; blank lines and `#` comments skipped, quotes around a value dropped. */
const envFile = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, name, value]) => [name, value.trim().replace(/^(['"])(.*)\1$/, '$2')]),
  );

/** The keys of the Secret deploy/README.md tells the user to create (`--from-literal=KEY=…`). */
export function readmeSecret(): { name: string; keys: string[] } {
  const readme = readFileSync(path.join(repoRoot, 'deploy', 'README.md'), 'utf8');
  const command = /create secret generic (\S+)((?:[^\n]*\\\n)*[^\n]*)/.exec(readme);
  if (!command) throw new Error('deploy/README.md shows no `kubectl create secret generic` command');
  return {
    name: command[1],
    keys: [...command[2].matchAll(/--from-literal=([A-Z_]+)=/g)].map(([, key]) => key),
  };
}

/** Values a user would put in the Secret or the shell, generated per run; an unknown key is an error. */
export function generateSecrets(keys: string[]): Record<string, string> {
  const make: Record<string, () => string> = {
    DATABASE_URL: () => `postgres://smsgate:${randomBytes(12).toString('hex')}@db.internal:5432/smsgate`,
    SECRETS_KEY: () => randomBytes(32).toString('base64'),
    ADMIN_TOKEN: () => randomBytes(24).toString('hex'),
  };
  return Object.fromEntries(
    keys.map((key) => {
      if (!make[key]) throw new Error(`no generator for the secret ${key}: say what a user puts there`);
      return [key, make[key]()];
    }),
  );
}

type Lookup = (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined;

interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
interface Container {
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  envFrom?: { prefix?: string; configMapRef?: Omit<KeyRef, 'key'>; secretRef?: Omit<KeyRef, 'key'> }[];
  env?: { name: string; value?: string; valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } }[];
}
type PodOwner = Manifest & {
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: { containers: Container[] } } };
};
type ServiceDoc = Manifest & {
  spec: { selector?: Record<string, string>; ports?: { port: number; targetPort?: number | string }[] };
};

/**
 * Every Deployment and the migration Job of rendered Kubernetes documents (kustomize or a chart), with
 * each container's environment as the kubelet would give it: the image's `ENV`, then `envFrom`, then
 * `env` (`value`, `configMapKeyRef`, `secretKeyRef`), ConfigMaps and Secrets from the documents, other
 * Secrets from `secrets` (name → data: those the user creates). A reference that resolves to nothing,
 * unless marked optional, is an error.
 */
export function kubernetesPlan(docs: Manifest[], secrets: Record<string, Record<string, string>>): BootPlan {
  const lookup: Lookup = (kind, name) => {
    const doc = docs.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
    if (!doc) return kind === 'Secret' ? secrets[name] : undefined;
    const data = stringValues((doc.data ?? {}) as Record<string, unknown>);
    if (kind === 'ConfigMap') return data;
    // A Secret rendered with the rest (a chart that generates one): `data` is base64, `stringData` plain.
    const decoded = Object.entries(data).map(([key, value]): [string, string] => [
      key,
      Buffer.from(value, 'base64').toString(),
    ]);
    return {
      ...Object.fromEntries(decoded),
      ...stringValues((doc.stringData ?? {}) as Record<string, unknown>),
    };
  };
  const plans = (docs.filter((doc) => doc.kind === 'Deployment' || doc.kind === 'Job') as PodOwner[]).map(
    (doc) => ({
      source: `${doc.kind}/${doc.metadata.name}`,
      container: doc.spec.template.spec.containers[0],
    }),
  );
  const processOf = ({ source, container }: (typeof plans)[number]): ProcessPlan => {
    const app = appOfImage(container.image);
    const image = imageDefaults(app);
    const command = container.command ? [...container.command, ...(container.args ?? [])] : image.command;
    return { source, app, command, env: { ...image.env, ...containerEnv(source, container, lookup) } };
  };
  const jobs = plans.filter(({ source }) => source.startsWith('Job/'));
  if (jobs.length !== 1) throw new Error(`expected one migration Job, found ${jobs.length}`);
  const services = plans
    .filter(({ source }) => source.startsWith('Deployment/'))
    .map((plan): ServicePlan => {
      const probe = plan.container.readinessProbe?.httpGet;
      if (!probe) throw new Error(`${plan.source} has no HTTP readiness probe`);
      const port =
        typeof probe.port === 'number'
          ? probe.port
          : plan.container.ports?.find(({ name }) => name === probe.port)?.containerPort;
      if (!port) throw new Error(`${plan.source}: the readiness probe's port ${probe.port} is not declared`);
      return { ...processOf(plan), readyPath: probe.path, port };
    });
  return { migrate: processOf(jobs[0]), services, addresses: serviceAddresses(docs) };
}

/**
 * Each Service's DNS names (`name`, and with a namespace `name.ns`, `name.ns.svc`,
 * `name.ns.svc.cluster.local`) and ports, to the app of the Deployment it selects and the container port
 * its targetPort names. A Service that selects no Deployment, or a port that names none, is left out.
 */
function serviceAddresses(docs: Manifest[]): Addresses {
  const deployments = docs.filter((doc) => doc.kind === 'Deployment') as PodOwner[];
  const addresses: Addresses = {};
  for (const service of docs.filter((doc) => doc.kind === 'Service') as ServiceDoc[]) {
    const selector = Object.entries(service.spec.selector ?? {});
    const selected = deployments.filter((deployment) =>
      selector.every(([key, value]) => deployment.spec.template.metadata?.labels?.[key] === value),
    );
    if (selector.length === 0 || selected.length !== 1) continue;
    const container = selected[0].spec.template.spec.containers[0];
    const { name, namespace } = service.metadata;
    const hosts = namespace
      ? [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`]
      : [name];
    for (const { port, targetPort = port } of service.spec.ports ?? []) {
      const target =
        typeof targetPort === 'number'
          ? targetPort
          : container.ports?.find((candidate) => candidate.name === targetPort)?.containerPort;
      if (target === undefined) continue;
      for (const host of hosts)
        addresses[`${host}:${port}`] = { app: appOfImage(container.image), port: target };
    }
  }
  return addresses;
}

function containerEnv(source: string, container: Container, lookup: Lookup): Record<string, string> {
  const env: Record<string, string> = {};
  const missing = (what: string) =>
    new Error(`${source}: ${what} does not exist (a Secret: see deploy/README.md)`);
  for (const from of container.envFrom ?? []) {
    const [kind, ref] = from.configMapRef
      ? (['ConfigMap', from.configMapRef] as const)
      : (['Secret', from.secretRef] as const);
    if (!ref) throw new Error(`${source}: an envFrom of a kind this test does not resolve`);
    const data = lookup(kind, ref.name);
    if (!data && !ref.optional) throw missing(`${kind} ${ref.name}`);
    for (const [name, value] of Object.entries(data ?? {})) env[(from.prefix ?? '') + name] = value;
  }
  for (const variable of container.env ?? []) {
    if (!variable.valueFrom) {
      env[variable.name] = variable.value ?? '';
      continue;
    }
    const { configMapKeyRef, secretKeyRef } = variable.valueFrom;
    const [kind, ref] = configMapKeyRef
      ? (['ConfigMap', configMapKeyRef] as const)
      : (['Secret', secretKeyRef] as const);
    if (!ref) throw new Error(`${source}: ${variable.name} comes from a source this test does not resolve`);
    const value = lookup(kind, ref.name)?.[ref.key];
    if (value !== undefined) env[variable.name] = value;
    else if (!ref.optional) throw missing(`${variable.name}: ${kind} ${ref.name}, key ${ref.key},`);
  }
  return env;
}
