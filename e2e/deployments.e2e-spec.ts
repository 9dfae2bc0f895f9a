import { migrations } from '@smsgate/db';
import { loadTestInfra } from '@smsgate/testing';
import {
  BootPlan,
  composePlan,
  composeShellEnv,
  generateSecrets,
  kubernetesPlan,
  readmeSecret,
} from '../deploy/test/boot-plan';
import { render } from '../deploy/test/manifests';
import { bootForm, HostMap } from './support/deployment-boot';

/** The Secret deploy/README.md tells the user to create, with generated values. */
const readmeSecrets = () => {
  const { name, keys } = readmeSecret();
  return { [name]: generateSecrets(keys) };
};

/** Kafka as the base ConfigMap names it (Strimzi's bootstrap Service); PostgreSQL as in the README's Secret. */
const CLUSTER: HostMap = { kafka: 'smsgate-kafka-bootstrap.kafka.svc:9092', postgres: 'db.internal:5432' };

/**
 * Every deployment form in the repository: how to get its processes, and where it says Kafka and
 * PostgreSQL are. A form rendered to Kubernetes documents (a Helm chart) is one more line with kubernetesPlan.
 */
const FORMS: { form: string; plan: () => BootPlan; hosts: HostMap }[] = [
  {
    form: 'docker-compose.yml',
    plan: () => composePlan(composeShellEnv()),
    hosts: { kafka: 'kafka:9092', postgres: 'postgres:5432' },
  },
  {
    form: 'kustomize overlays/staging',
    plan: () => kubernetesPlan(render('overlays/staging'), readmeSecrets()),
    hosts: CLUSTER,
  },
  {
    form: 'kustomize overlays/production',
    plan: () => kubernetesPlan(render('overlays/production'), readmeSecrets()),
    hosts: CLUSTER,
  },
];

describe('every deployment form boots', () => {
  const infra = loadTestInfra();

  it.each(FORMS)(
    '$form: migrations from an empty database, then every service ready',
    async ({ form, plan, hosts }) => {
      const boot = plan();
      const result = await bootForm(form, boot, hosts, infra);
      // From an empty database: every migration, in order.
      expect(result.migrated).toBe(`migrations: ${migrations.map(({ name }) => name).join(', ')}`);
      expect(result.services.map(({ source }) => source)).toHaveLength(5);
      // SIGTERM drains and exits 0, as Kubernetes and Compose stop them.
      expect(result.services.filter(({ exitCode }) => exitCode !== 0)).toEqual([]);
      console.log(
        `${form}: ready in ${result.services.map(({ source, readyMs }) => `${source} ${readyMs} ms`).join(', ')}`,
      );
    },
  );
});
