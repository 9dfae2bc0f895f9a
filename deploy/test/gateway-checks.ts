/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   rendered YAML is walked here as untyped data; its types are what schemaProblems() checks. */
import { TopicPartitions, Topics } from '@smsgate/contracts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './compose-file';
import { lint, SECRET_NAME } from './manifest-lint';
import { Manifest, schemaProblems } from './manifests';

export const SERVICES = [
  'ingress',
  'dispatcher',
  'smpp-binds',
  'dlr-tracker',
  'cht-relay',
  'smpp-server',
  'console',
];

interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: { service: { name: string; port: { name?: string; number?: number } } };
}
export type AnyObject = Record<string, any>;

export const byKind = (manifests: Manifest[], kind: string) =>
  manifests.filter((m) => m.kind === kind) as AnyObject[];
export const named = (manifests: Manifest[], kind: string, name: string) =>
  byKind(manifests, kind).find((m) => m.metadata.name === name);
export const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Kubernetes Ingress matching: Exact, or Prefix by whole path elements; the longest match wins. */
function route(paths: IngressPath[], requestPath: string): string | undefined {
  const elements = (p: string) => p.split('/').filter(Boolean);
  const matches = paths.filter(({ path: p, pathType }) => {
    if (pathType === 'Exact') return p === requestPath;
    const prefix = elements(p);
    const request = elements(requestPath);
    return prefix.every((element, i) => request[i] === element);
  });
  matches.sort(
    (a, b) =>
      elements(b.path).length - elements(a.path).length ||
      Number(b.pathType === 'Exact') - Number(a.pathType === 'Exact'),
  );
  return matches[0]?.backend.service.name;
}

/**
 * The checks every rendering of the gateway passes, kustomize overlay or Helm chart: schemas, the
 * lint, one Deployment, Service and PDB per service, autoscaling bounds, the public routes, the
 * migration Job and the one documented Secret. Call inside a describe.
 */
export function itRendersTheGateway(manifests: Manifest[], secretName = SECRET_NAME): void {
  it('are valid against the Kubernetes OpenAPI schemas (and the CRDs they use)', () => {
    expect(manifests.length).toBeGreaterThan(20);
    expect(schemaProblems(manifests)).toEqual([]);
  });

  it('pass the lint: probes, requests and limits, non-root, read-only root fs, no capabilities', () => {
    expect(lint(manifests, secretName)).toEqual([]);
  });

  it('has a Deployment, a Service and a PodDisruptionBudget for each of the seven services', () => {
    for (const service of SERVICES) {
      const deployment = named(manifests, 'Deployment', `smsgate-${service}`);
      expect(deployment).toBeDefined();
      const podLabels = deployment!.spec.template.metadata.labels as Record<string, string>;
      expect(selects(deployment!.spec.selector.matchLabels, podLabels)).toBe(true);
      const svc = named(manifests, 'Service', `smsgate-${service}`);
      expect(selects(svc!.spec.selector, podLabels)).toBe(true);
      expect(svc!.spec.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
      const pdb = named(manifests, 'PodDisruptionBudget', `smsgate-${service}`);
      expect(selects(pdb!.spec.selector.matchLabels, podLabels)).toBe(true);
    }
    // Each Service selects its own pods and no other service's (smpp-server's SMPP Service, its pods).
    for (const svc of byKind(manifests, 'Service')) {
      const matched = byKind(manifests, 'Deployment').filter((d) =>
        selects(svc.spec.selector, d.spec.template.metadata.labels),
      );
      expect(matched.map((d) => d.metadata.name)).toEqual([svc.metadata.name.replace(/-smpp$/, '')]);
    }
    // ESMEs reach smpp-server's SMPP port through a Service of its own, apart from its HTTP API.
    const smpp = named(manifests, 'Service', 'smsgate-smpp-server-smpp');
    expect(smpp!.spec.ports).toEqual([expect.objectContaining({ name: 'smpp', targetPort: 'smpp' })]);
  });

  it('autoscales ingress, dispatcher and dlr-tracker, consumers no further than their partitions', () => {
    const hpas = byKind(manifests, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(
      ['smsgate-dispatcher', 'smsgate-dlr-tracker', 'smsgate-ingress'].sort(),
    );
    const partitions = {
      'smsgate-dispatcher': TopicPartitions[Topics.outboundRequested],
      'smsgate-dlr-tracker': Math.min(
        TopicPartitions[Topics.outboundRequested],
        TopicPartitions[Topics.inboundReceived],
        TopicPartitions[Topics.outboundStatus],
        TopicPartitions[Topics.receiptReceived],
      ),
    } as Record<string, number>;
    for (const hpa of hpas) {
      expect(named(manifests, 'Deployment', hpa.spec.scaleTargetRef.name)).toBeDefined();
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      const cap = partitions[hpa.spec.scaleTargetRef.name];
      if (cap) expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(cap);
    }
  });

  it('never runs more smpp-binds pods than its replica count, even during a rollout', () => {
    const binds = named(manifests, 'Deployment', 'smsgate-smpp-binds')!;
    expect(binds.spec.strategy.rollingUpdate.maxSurge).toBe(0);
    expect(byKind(manifests, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name)).not.toContain(
      'smsgate-smpp-binds',
    );
  });

  it('routes every public path to the service that serves it, on one host, and nothing else', () => {
    const [ingress] = byKind(manifests, 'Ingress');
    expect(ingress.spec.rules).toHaveLength(1);
    const paths = ingress.spec.rules[0].http.paths as IngressPath[];
    for (const p of paths) {
      const svc = named(manifests, 'Service', p.backend.service.name);
      expect(svc?.spec.ports.map((port: { name: string }) => port.name)).toContain(
        p.backend.service.port.name,
      );
    }
    const expected: [string, string | undefined][] = [
      ['/c/ex/5f0c/receive', 'smsgate-ingress'],
      ['/c/imi/5f0c/status', 'smsgate-ingress'],
      ['/resources/v1/messaging', 'smsgate-ingress'],
      ['/v1/messages', 'smsgate-ingress'], // POST: send; GET (list): passed on by ingress to dlr-tracker
      ['/v1/messages/0190f3a4-1111-7000-8000-000000000001', 'smsgate-dlr-tracker'],
      ['/v1/stats', 'smsgate-dlr-tracker'],
      ['/v1/workspaces', 'smsgate-ingress'],
      ['/v1/channels/5f0c', 'smsgate-ingress'],
      ['/v1/routes', 'smsgate-ingress'],
      ['/api/v2/broadcasts.json', 'smsgate-cht-relay'],
      ['/api/v2/messages.json', 'smsgate-cht-relay'],
      ['/rapidpro/5f0c/send', 'smsgate-cht-relay'],
      ['/metrics', undefined],
      ['/health/ready', undefined],
      ['/v1messages', undefined],
    ];
    expect(expected.map(([p]) => [p, route(paths, p)])).toEqual(expected);
  });

  it('runs migrations as a one-shot Job with the database URL from the Secret', () => {
    const [job] = byKind(manifests, 'Job');
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/libs/db/src/migrate.js']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(container.env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: secretName, key: 'DATABASE_URL' } } },
    ]);
  });

  it('refers only to the ConfigMap it renders and to the one documented Secret', () => {
    const configMaps = byKind(manifests, 'ConfigMap').map((c) => c.metadata.name);
    const readme = readFileSync(path.join(repoRoot, 'deploy', 'README.md'), 'utf8');
    for (const workload of [...byKind(manifests, 'Deployment'), ...byKind(manifests, 'Job')]) {
      for (const container of workload.spec.template.spec.containers) {
        for (const from of container.envFrom ?? []) expect(configMaps).toContain(from.configMapRef.name);
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) expect(readme).toContain(`\`${ref.key}\``);
        }
      }
    }
    expect(readme).toContain(`\`${SECRET_NAME}\``);
  });
}
