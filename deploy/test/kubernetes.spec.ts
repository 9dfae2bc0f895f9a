/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   rendered YAML is walked here as untyped data; its types are what schemaProblems() checks. */
import { TopicPartitions } from '@smsgate/contracts';
import { AnyObject, byKind, itRendersTheGateway, named, selects, SERVICES } from './gateway-checks';
import { lint } from './manifest-lint';
import { Manifest, render, schemaProblems } from './manifests';

const OVERLAYS = ['overlays/staging', 'overlays/production'];

describe.each(OVERLAYS)('Kubernetes manifests: %s', (overlay) => {
  const manifests = render(overlay);
  itRendersTheGateway(manifests);

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
    // Prometheus scrapes the selected Services that have the port: every service's, and only theirs
    // (smpp-server's SMPP Service is selected too, and has none).
    const scraped = byKind(manifests, 'Service').filter(
      (s) =>
        selects(monitor.spec.selector.matchLabels, s.metadata.labels) &&
        s.spec.ports.some((port: { name: string }) => port.name === 'http'),
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
  port = 'http',
): boolean {
  const selecting = policies.filter((p) => matchesSelector(p.spec.podSelector, target));
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some(
      (rule: AnyObject) =>
        // A rule lets in the ports it names (all without `ports`), from its peers (anyone without `from`).
        (!rule.ports || rule.ports.some((p: AnyObject) => p.port === port)) &&
        (!rule.from ||
          (rule.from as AnyObject[]).some((peer: AnyObject) => {
            const namespaceOk = peer.namespaceSelector
              ? matchesSelector(peer.namespaceSelector, { 'kubernetes.io/metadata.name': source.namespace })
              : source.namespace === ownNamespace;
            const podOk = peer.podSelector ? matchesSelector(peer.podSelector, source.labels ?? {}) : true;
            return namespaceOk && podOk;
          })),
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
    const cases: [
      string,
      { namespace: string; labels?: Record<string, string> },
      string,
      boolean,
      string?,
    ][] = [
      ['controller', controller, 'ingress', true],
      ['controller', controller, 'cht-relay', true],
      ['controller', controller, 'dlr-tracker', true],
      ['controller', controller, 'dispatcher', false],
      ['controller', controller, 'smpp-binds', false],
      // The console is for operators (port-forward, or an Ingress and a policy of their own).
      ['controller', controller, 'console', false],
      ['another namespace', { namespace: 'elsewhere' }, 'console', false],
      ['console', fromService('console'), 'ingress', true],
      ['console', fromService('console'), 'dlr-tracker', true],
      ['ingress', fromService('ingress'), 'dlr-tracker', true],
      ['cht-relay', fromService('cht-relay'), 'dlr-tracker', true],
      ['a pod of another app', { namespace, labels: { app: 'other' } }, 'dlr-tracker', false],
      ['another namespace', { namespace: 'elsewhere' }, 'ingress', false],
      ['an ESME outside', { namespace: 'elsewhere' }, 'smpp-server', true, 'smpp'],
      ['an ESME outside, on HTTP', { namespace: 'elsewhere' }, 'smpp-server', false, 'http'],
      ['an ESME outside, to another service', { namespace: 'elsewhere' }, 'smpp-binds', false, 'smpp'],
      ...SERVICES.map((s): [string, typeof monitoring, string, boolean] => [
        'monitoring',
        monitoring,
        s,
        true,
      ]),
    ];
    expect(
      cases.map(([from, source, to, , port]) => [
        from,
        to,
        admitted(policies, pod(to), source, namespace, port),
      ]),
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
