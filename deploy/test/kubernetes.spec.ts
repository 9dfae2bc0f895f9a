/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   rendered YAML is walked here as untyped data; its types are what schemaProblems() checks. */
import { TopicPartitions, Topics } from '@smsgate/contracts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './compose-file';
import { lint, SECRET_NAME } from './manifest-lint';
import { Manifest, render, schemaProblems } from './manifests';

const SERVICES = ['ingress', 'dispatcher', 'smpp-binds', 'dlr-tracker', 'cht-relay'];
const OVERLAYS = ['overlays/staging', 'overlays/production'];

interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: { service: { name: string; port: { name?: string; number?: number } } };
}
type AnyObject = Record<string, any>;

const byKind = (manifests: Manifest[], kind: string) =>
  manifests.filter((m) => m.kind === kind) as AnyObject[];
const named = (manifests: Manifest[], kind: string, name: string) =>
  byKind(manifests, kind).find((m) => m.metadata.name === name);
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
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

describe.each(OVERLAYS)('Kubernetes manifests: %s', (overlay) => {
  const manifests = render(overlay);

  it('are valid against the Kubernetes OpenAPI schemas (and the CRDs they use)', () => {
    expect(manifests.length).toBeGreaterThan(20);
    expect(schemaProblems(manifests)).toEqual([]);
  });

  it('pass the lint: probes, requests and limits, non-root, read-only root fs, no capabilities', () => {
    expect(lint(manifests)).toEqual([]);
  });

  it('has a Deployment, a Service and a PodDisruptionBudget for each of the five services', () => {
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
    // Each Service selects its own pods and no other service's.
    for (const svc of byKind(manifests, 'Service')) {
      const matched = byKind(manifests, 'Deployment').filter((d) =>
        selects(svc.spec.selector, d.spec.template.metadata.labels),
      );
      expect(matched.map((d) => d.metadata.name)).toEqual([svc.metadata.name]);
    }
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
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: SECRET_NAME, key: 'DATABASE_URL' } } },
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

  it('puts everything in one namespace and pins images to a registry and tag', () => {
    const namespaces = new Set(manifests.map((m) => m.metadata.namespace));
    expect(namespaces.size).toBe(1);
    for (const workload of [...byKind(manifests, 'Deployment'), ...byKind(manifests, 'Job')])
      for (const container of workload.spec.template.spec.containers)
        expect(container.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/-]+\/smsgate-[a-z-]+:[\w.-]+$/);
  });
});

describe('Kubernetes manifests: production extras', () => {
  const manifests = render('overlays/production');

  it('declares the contract topics for Strimzi with the partition counts of libs/contracts', () => {
    const topics = Object.fromEntries(
      byKind(manifests, 'KafkaTopic').map((t) => [t.spec.topicName, t.spec.partitions]),
    );
    expect(topics).toEqual(TopicPartitions);
  });

  it('scrapes every service with a ServiceMonitor on the http port', () => {
    const [monitor] = byKind(manifests, 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    const scraped = byKind(manifests, 'Service').filter((s) =>
      selects(monitor.spec.selector.matchLabels, s.metadata.labels),
    );
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual(SERVICES.map((s) => `smsgate-${s}`).sort());
  });
});

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}
const matchesSelector = (selector: Selector | undefined, labels: Record<string, string>) =>
  selects(selector?.matchLabels ?? {}, labels) &&
  (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
    operator === 'In'
      ? values.includes(labels[key])
      : operator === 'NotIn'
        ? !values.includes(labels[key])
        : operator === 'Exists'
          ? key in labels
          : !(key in labels),
  );

/** NetworkPolicy semantics for ingress traffic: allowed when a policy selecting the pod admits the peer. */
function admitted(
  policies: AnyObject[],
  target: Record<string, string>,
  source: { namespace: string; labels?: Record<string, string> },
  ownNamespace: string,
): boolean {
  const selecting = policies.filter((p) => matchesSelector(p.spec.podSelector, target));
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: AnyObject) =>
      (rule.from ?? []).some((peer: AnyObject) => {
        const namespaceOk = peer.namespaceSelector
          ? matchesSelector(peer.namespaceSelector, { 'kubernetes.io/metadata.name': source.namespace })
          : source.namespace === ownNamespace;
        const podOk = peer.podSelector ? matchesSelector(peer.podSelector, source.labels ?? {}) : true;
        return namespaceOk && podOk;
      }),
    ),
  );
}

describe('Kubernetes manifests: production network policies', () => {
  const manifests = render('overlays/production');
  const policies = byKind(manifests, 'NetworkPolicy');
  const namespace = manifests[0].metadata.namespace!;
  const pod = (service: string) =>
    named(manifests, 'Deployment', `smsgate-${service}`)!.spec.template.metadata.labels as Record<
      string,
      string
    >;

  it('admit the ingress controller to the public services only, smsgate to itself, Prometheus to all', () => {
    const controller = { namespace: 'ingress-nginx' };
    const monitoring = { namespace: 'monitoring' };
    const fromService = (service: string) => ({ namespace, labels: pod(service) });
    const cases: [string, { namespace: string; labels?: Record<string, string> }, string, boolean][] = [
      ['controller', controller, 'ingress', true],
      ['controller', controller, 'cht-relay', true],
      ['controller', controller, 'dlr-tracker', true],
      ['controller', controller, 'dispatcher', false],
      ['controller', controller, 'smpp-binds', false],
      ['ingress', fromService('ingress'), 'dlr-tracker', true],
      ['cht-relay', fromService('cht-relay'), 'dlr-tracker', true],
      ['a pod of another app', { namespace, labels: { app: 'other' } }, 'dlr-tracker', false],
      ['another namespace', { namespace: 'elsewhere' }, 'ingress', false],
      ...SERVICES.map((s): [string, typeof monitoring, string, boolean] => [
        'monitoring',
        monitoring,
        s,
        true,
      ]),
    ];
    expect(
      cases.map(([from, source, to]) => [from, to, admitted(policies, pod(to), source, namespace)]),
    ).toEqual(cases.map(([from, , to, allowed]) => [from, to, allowed]));
  });
});

describe('the checks catch what they are for', () => {
  const manifests = render('overlays/staging');
  const copy = () => structuredClone(manifests) as AnyObject[];
  const deployment = (all: AnyObject[]) => all.find((m) => m.kind === 'Deployment')!;

  it('a schema violation is reported', () => {
    const broken = copy();
    deployment(broken).spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(schemaProblems(broken as Manifest[]).join('\n')).toMatch(/containerPort must be integer/);
    expect(schemaProblems([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }])).toEqual([
      'Secret/x: no schema for v1 Secret',
    ]);
  });

  it('a writable root filesystem, a missing limit, a root user, a missing probe and a literal secret are reported', () => {
    const broken = copy();
    const pod = deployment(broken).spec.template.spec;
    const container = pod.containers[0];
    delete container.securityContext.readOnlyRootFilesystem;
    delete container.resources.limits.memory;
    container.securityContext.runAsNonRoot = false;
    delete container.readinessProbe;
    container.env.push({ name: 'ADMIN_TOKEN', value: 'in-the-repo' });
    const problems = lint(broken as Manifest[]).join('\n');
    for (const expected of [
      'readOnlyRootFilesystem must be true',
      'resources.limits.memory is missing',
      'runAsNonRoot must be true',
      'readinessProbe must GET /health/ready',
      'ADMIN_TOKEN must come from a Secret',
    ])
      expect(problems).toContain(expected);
  });
});
