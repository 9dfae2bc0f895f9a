import {
  BootPlan,
  composePlan,
  composeShellEnv,
  generateSecrets,
  kubernetesPlan,
  readmeSecret,
} from './boot-plan';
import { render, renderHelm } from './manifests';

/** Where a form says Kafka and PostgreSQL are (`host:port`): the boot test points these at its own. */
export interface HostMap {
  kafka: string;
  postgres: string;
}

export interface DeploymentForm {
  form: string;
  /** Its processes and their environment, secrets generated afresh on each call. */
  plan: () => BootPlan;
  hosts: HostMap;
}

/** The Secret deploy/README.md tells the user to create, with generated values. */
export const readmeSecrets = () => {
  const { name, keys } = readmeSecret();
  return { [name]: generateSecrets(keys) };
};

/** Kafka as the base ConfigMap names it (Strimzi's bootstrap Service); PostgreSQL as in the README's Secret. */
const CLUSTER: HostMap = { kafka: 'smsgate-kafka-bootstrap.kafka.svc:9092', postgres: 'db.internal:5432' };

/**
 * Every deployment form in the repository, for the environment check (boot-plan.spec.ts) and the boot
 * test (e2e/deployments.e2e-spec.ts). Anything rendered to Kubernetes documents is one line here with
 * kubernetesPlan.
 */
export const DEPLOYMENT_FORMS: DeploymentForm[] = [
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
  {
    form: 'helm chart, default values',
    plan: () => kubernetesPlan(renderHelm(), readmeSecrets()),
    hosts: CLUSTER,
  },
  {
    // An existing Secret of another name, its own Kafka, ingress with TLS, HPA, network policies.
    form: 'helm chart, ci/production-values.yaml',
    plan: () =>
      kubernetesPlan(renderHelm(['ci/production-values.yaml']), {
        'smsgate-prod-secrets': Object.values(readmeSecrets())[0],
      }),
    hosts: { kafka: 'prod-kafka-bootstrap.kafka.svc:9093', postgres: CLUSTER.postgres },
  },
  {
    // The chart renders the Secret itself: nothing is created by hand.
    form: 'helm chart, ci/generated-secret-values.yaml',
    plan: () => kubernetesPlan(renderHelm(['ci/generated-secret-values.yaml']), {}),
    hosts: { kafka: CLUSTER.kafka, postgres: 'postgres.data.svc:5432' },
  },
];
