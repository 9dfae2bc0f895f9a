import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './compose-file';

/** A rendered Kubernetes object, loosely typed: the validators and the lint below check its shape. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export const kustomizeDir = path.join(repoRoot, 'deploy', 'kubernetes');

/**
 * Renders an overlay with kustomize v5 as a user would apply it: kubectl's built-in kustomize, or
 * (where there is no kubectl) the kustomize that scripts/test.sh builds into .local/bin.
 */
export function render(overlay: string): Manifest[] {
  const dir = path.join(kustomizeDir, overlay);
  const standalone = path.join(repoRoot, '.local', 'bin', 'kustomize');
  const text = runRenderer('kubectl', ['kustomize', dir]) ?? runRenderer(standalone, ['build', dir]);
  if (text === undefined)
    throw new Error(
      'kustomize v5 is needed to render deploy/kubernetes: kubectl, or .local/bin/kustomize (npm test builds it with Go)',
    );
  return parseAllDocuments(text).map((doc) => doc.toJS() as Manifest);
}

export const helmChartDir = path.join(repoRoot, 'deploy', 'helm', 'smsgate');
const helmBin = path.join(repoRoot, '.local', 'bin', 'helm');

/** Runs the helm that scripts/test.sh builds into .local/bin (ensure_helm); its stdout. */
export function runHelm(args: string[]): string {
  const text = runRenderer(helmBin, args);
  if (text === undefined)
    throw new Error('helm is needed in .local/bin: npm test builds it with Go (ensure_helm)');
  return text;
}

/**
 * Renders deploy/helm/smsgate as `helm install` would (release smsgate) with the values files (paths
 * relative to the chart) and --set values: the same document shape as render().
 */
export function renderHelm(valuesFiles: string[] = [], sets: Record<string, string> = {}): Manifest[] {
  const args = [
    'template',
    'smsgate',
    helmChartDir,
    ...valuesFiles.flatMap((file) => ['-f', path.resolve(helmChartDir, file)]),
  ];
  for (const [key, value] of Object.entries(sets)) args.push('--set', `${key}=${value}`);
  return parseAllDocuments(runHelm(args))
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/** The renderer's output; undefined when the program is not there. */
function runRenderer(program: string, args: string[]): string | undefined {
  try {
    return execFileSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return undefined;
    throw new Error(`${path.basename(program)} ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

type Validator = new (data: never) => { validate(): void };

/**
 * Validators generated from Kubernetes' OpenAPI schemas (kubernetes-models) and from the Prometheus
 * Operator's CRDs, by apiVersion and kind. A kind missing here is an error, not a pass.
 */
const VALIDATORS: Record<string, Validator> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Strimzi publishes no npm models: its KafkaTopic is checked against the fields its CRD requires. */
function validateKafkaTopic(topic: Manifest): string[] {
  const spec = topic.spec as { topicName?: unknown; partitions?: unknown; replicas?: unknown } | undefined;
  const problems: string[] = [];
  if (!topic.metadata.labels?.['strimzi.io/cluster']) problems.push('needs the strimzi.io/cluster label');
  if (typeof spec?.topicName !== 'string') problems.push('spec.topicName must be a string');
  for (const field of ['partitions', 'replicas'] as const)
    if (!Number.isInteger(spec?.[field]) || (spec?.[field] as number) < 1)
      problems.push(`spec.${field} must be a positive integer`);
  return problems;
}

/** Schema problems of each object, as `Kind/name: message`. */
export function schemaProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const manifest of manifests) {
    const id = `${manifest.kind}/${manifest.metadata?.name}`;
    if (manifest.apiVersion === 'kafka.strimzi.io/v1beta2' && manifest.kind === 'KafkaTopic') {
      problems.push(...validateKafkaTopic(manifest).map((problem) => `${id}: ${problem}`));
      continue;
    }
    const Model = VALIDATORS[`${manifest.apiVersion}/${manifest.kind}`];
    if (!Model) {
      problems.push(`${id}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new Model(manifest as never).validate();
    } catch (error) {
      problems.push(`${id}: ${(error as Error).message}`);
    }
  }
  return problems;
}
