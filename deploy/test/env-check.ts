import { z } from 'zod';
import { services as configs } from '../../tools/config-reference/src/config-reference';
import { BootPlan, imageDefaults, ProcessPlan, reached, SERVICE_URLS } from './boot-plan';

/** Read by Node itself or by the image's HEALTHCHECK, not by a config schema (the Dockerfile sets them). */
const runtimeNames = (app: string) => Object.keys(imageDefaults(app).env);

/** The port a service listens on when PORT is unset (its config schema's default). */
export function defaultPort(app: string): number {
  const config = configs.find(({ name }) => name === app);
  if (!config) throw new Error(`no config schema for ${app}`);
  return Number((config.env.shape.PORT as z.ZodType).parse(undefined));
}

/** The migration runner (libs/db/src/migrate.ts) reads DATABASE_URL and nothing else. */
const MIGRATE_READS = ['DATABASE_URL'];

/**
 * What is wrong with the environment a form gives each process, as `<source>: <problem>`: a variable the
 * process never reads (a setting saved and ignored), or one its config schema refuses or misses (it
 * would exit 78). Values never appear, only names and the schema's messages.
 */
export function envProblems(plan: BootPlan): string[] {
  const unread = (run: ProcessPlan, reads: string[]) =>
    Object.keys(run.env)
      .filter((name) => !reads.includes(name) && !runtimeNames(run.app).includes(name))
      .map((name) => `${run.source}: sets ${name}, which ${run.app} does not read`);
  const migrate = [
    ...unread(plan.migrate, MIGRATE_READS),
    ...MIGRATE_READS.filter((name) => !plan.migrate.env[name]).map(
      (name) => `${plan.migrate.source}: ${name} is required`,
    ),
  ];
  return [
    ...migrate,
    ...plan.services.flatMap((service) => {
      const config = configs.find(({ name }) => name === service.app);
      if (!config) return [`${service.source}: no config schema for ${service.app}`];
      const parsed = config.env.safeParse(service.env);
      const invalid = parsed.success
        ? []
        : parsed.error.issues.map((issue) => `${service.source}: ${issue.path.join('.')} ${issue.message}`);
      const port = Number(service.env.PORT ?? defaultPort(service.app));
      const probe =
        port === service.port ? [] : [`${service.source}: listens on ${port}, probed on ${service.port}`];
      return [...unread(service, Object.keys(config.env.shape)), ...invalid, ...probe];
    }),
  ];
}

/**
 * Where the variables naming another service (SERVICE_URLS) lead in the form's own network, as
 * `<source>: <problem>`: unset, a host and port no Service or compose service answers on, another app, or
 * a port the app does not listen on. URLs appear (they hold no secret).
 */
export function linkProblems(plan: BootPlan): string[] {
  return plan.services.flatMap((service) =>
    Object.entries(SERVICE_URLS[service.app] ?? {}).flatMap(([name, app]) => {
      const value = service.env[name];
      if (!value) return [`${service.source}: ${name} is unset (it must reach ${app})`];
      const target = reached(plan.addresses, value);
      const listens = plan.services.find((candidate) => candidate.app === app)?.port;
      if (!target) return [`${service.source}: ${name} ${value} reaches no service of this form`];
      if (target.app !== app)
        return [`${service.source}: ${name} ${value} reaches ${target.app}, not ${app}`];
      if (target.port !== listens)
        return [
          `${service.source}: ${name} ${value} reaches ${app} on ${target.port}; it listens on ${listens}`,
        ];
      return [];
    }),
  );
}

/** The consumer group a service joins (its KAFKA_GROUP_ID, or the default), none for ingress. */
export function consumerGroupOf(service: ProcessPlan): string | undefined {
  const config = configs.find(({ name }) => name === service.app);
  const parsed = config?.env.safeParse(service.env);
  const group = (parsed?.data as { KAFKA_GROUP_ID?: unknown } | undefined)?.KAFKA_GROUP_ID;
  return typeof group === 'string' ? group : undefined;
}
