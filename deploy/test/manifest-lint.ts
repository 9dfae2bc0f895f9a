import type { Manifest } from './manifests';

interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostPID?: boolean;
}
interface Workload extends Manifest {
  spec: {
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
}

export const SECRET_NAME = 'smsgate-secrets';
const SHUTDOWN_TIMEOUT_SECONDS = 25;

const podSpecOf = (manifest: Manifest): PodSpec | undefined =>
  manifest.kind === 'Deployment' || manifest.kind === 'Job'
    ? (manifest as Workload).spec.template.spec
    : undefined;

/**
 * The rules a platform team's admission policies usually enforce, checked on the rendered output:
 * probes on /health/live and /health/ready, requests and limits, non-root, read-only root filesystem,
 * no privilege escalation, all capabilities dropped, pinned images, no service-account token, secrets
 * only by reference, and a drain that fits the grace period.
 */
export function lint(manifests: Manifest[], secretName = SECRET_NAME): string[] {
  const problems: string[] = [];
  for (const manifest of manifests) {
    const id = `${manifest.kind}/${manifest.metadata.name}`;
    const say = (problem: string) => problems.push(`${id}: ${problem}`);
    if (manifest.kind === 'Secret') say('secrets are referenced, never rendered from the repository');
    const pod = podSpecOf(manifest);
    if (!pod) continue;
    if (pod.automountServiceAccountToken !== false) say('automountServiceAccountToken must be false');
    if (pod.hostNetwork || pod.hostPID) say('must not share host namespaces');
    for (const container of pod.containers) {
      const at = (problem: string) => say(`container ${container.name}: ${problem}`);
      const sc = container.securityContext ?? {};
      const nonRoot = sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = sc.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true) at('runAsNonRoot must be true');
      if (user === 0) at('must not run as uid 0');
      if (sc.readOnlyRootFilesystem !== true) at('readOnlyRootFilesystem must be true');
      if (sc.allowPrivilegeEscalation !== false) at('allowPrivilegeEscalation must be false');
      if (sc.privileged) at('must not be privileged');
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) at('capabilities must drop ALL');
      if ((sc.capabilities?.add ?? []).length > 0) at('must add no capabilities');
      for (const kind of ['requests', 'limits'] as const)
        for (const resource of ['cpu', 'memory'])
          if (!container.resources?.[kind]?.[resource]) at(`resources.${kind}.${resource} is missing`);
      if (
        !container.image ||
        !/:[\w.-]+$|@sha256:[0-9a-f]{64}$/.test(container.image) ||
        /:latest$/.test(container.image)
      )
        at(`image ${container.image} must be pinned to a tag or digest (not latest)`);
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref && ref.name !== secretName) at(`${variable.name} refers to an unknown Secret ${ref.name}`);
        if (/KEY|TOKEN|PASSWORD|SECRET|DATABASE_URL/.test(variable.name) && !ref)
          at(`${variable.name} must come from a Secret`);
      }
      if (manifest.kind !== 'Deployment') continue;
      const port = container.ports?.find((p) => p.name === 'http');
      if (!port) at('needs a port named http');
      if (
        container.livenessProbe?.httpGet?.path !== '/health/live' ||
        container.livenessProbe.httpGet.port !== 'http'
      )
        at('livenessProbe must GET /health/live on port http');
      if (
        container.readinessProbe?.httpGet?.path !== '/health/ready' ||
        container.readinessProbe.httpGet.port !== 'http'
      )
        at('readinessProbe must GET /health/ready on port http');
      const annotations = (manifest as Workload).spec.template.metadata?.annotations ?? {};
      if (
        annotations['prometheus.io/scrape'] !== 'true' ||
        annotations['prometheus.io/port'] !== String(port?.containerPort)
      )
        at('needs prometheus.io/scrape and prometheus.io/port matching the http port');
      const pause = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      if ((pod.terminationGracePeriodSeconds ?? 30) <= pause + SHUTDOWN_TIMEOUT_SECONDS)
        at('terminationGracePeriodSeconds must exceed the preStop pause plus SHUTDOWN_TIMEOUT_SECONDS');
    }
  }
  return problems;
}
