/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   rendered YAML is walked here as untyped data; its types are what schemaProblems() checks. */
import { Secret } from 'kubernetes-models/v1/Secret';
import { AnyObject, byKind, itRendersTheGateway, SERVICES } from './gateway-checks';
import { helmChartDir, Manifest, render, renderHelm, runHelm, schemaProblems } from './manifests';

const VALUES_FILES = [
  'ci/minimal-values.yaml',
  'ci/production-values.yaml',
  'ci/generated-secret-values.yaml',
];

describe.each([[], ...VALUES_FILES.map((file) => [file])])(
  'Helm chart with values %p',
  (...files: string[]) => {
    it('passes helm lint --strict', () => {
      expect(
        runHelm(['lint', '--strict', helmChartDir, ...files.flatMap((f) => ['-f', `${helmChartDir}/${f}`])]),
      ).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    const all = renderHelm(files);
    const secrets = byKind(all, 'Secret');
    const manifests = all.filter((m) => m.kind !== 'Secret');
    const secretName = files[0] === 'ci/production-values.yaml' ? 'smsgate-prod-secrets' : undefined;
    itRendersTheGateway(manifests, secretName);

    it('renders a Secret only when asked to, valid and with the three keys', () => {
      expect(secrets.length).toBe(files[0] === 'ci/generated-secret-values.yaml' ? 1 : 0);
      for (const secret of secrets) {
        new Secret(secret as never).validate();
        expect(Object.keys(secret.stringData).sort()).toEqual(['ADMIN_TOKEN', 'DATABASE_URL', 'SECRETS_KEY']);
        expect(secret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      }
    });
  },
);

const envNames = (manifests: Manifest[]) =>
  Object.fromEntries(
    byKind(manifests, 'Deployment').map((d: AnyObject) => [
      d.metadata.name,
      d.spec.template.spec.containers.map((c: AnyObject) => ({
        env: c.env.map((e: AnyObject) => e.name).sort(),
        envFrom: c.envFrom,
        port: c.ports,
      })),
    ]),
  );

describe('Helm chart defaults: the same gateway as deploy/kubernetes/base', () => {
  const helm = renderHelm();
  const base = render('base');

  it('gives each Deployment the env names, ConfigMap and ports the kustomize base gives it', () => {
    expect(envNames(helm)).toEqual(envNames(base));
    expect(Object.keys(envNames(helm)).sort()).toEqual(SERVICES.map((s) => `smsgate-${s}`).sort());
  });

  it('renders the ConfigMaps of the base, key for key', () => {
    const configMaps = (manifests: Manifest[]) =>
      Object.fromEntries(byKind(manifests, 'ConfigMap').map((c: AnyObject) => [c.metadata.name, c.data]));
    expect(configMaps(helm)).toEqual(configMaps(base));
  });

  it('gives each Deployment the probes, security contexts, resources and labels of the base', () => {
    const shape = (manifests: Manifest[]) =>
      byKind(manifests, 'Deployment').map((d: AnyObject) => {
        const pod = d.spec.template.spec;
        const { image: _image, imagePullPolicy: _policy, ...container } = pod.containers[0];
        return {
          name: d.metadata.name,
          labels: d.metadata.labels,
          podLabels: d.spec.template.metadata.labels,
          strategy: d.spec.strategy,
          podSecurity: pod.securityContext,
          grace: pod.terminationGracePeriodSeconds,
          container,
        };
      });
    expect(shape(helm)).toEqual(shape(base));
  });

  it('runs the migration Job as a pre-install and pre-upgrade hook', () => {
    const [job] = byKind(helm, 'Job');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });
});

describe('Helm chart values are checked', () => {
  it('rejects a misspelt value (values.schema.json)', () => {
    expect(() => renderHelm([], { 'services.dispatcher.replica': '3' })).toThrow(
      /additional properties 'replica' not allowed/,
    );
  });

  it('refuses to generate a Secret without a SECRETS_KEY', () => {
    expect(() =>
      renderHelm([], {
        'secrets.create': 'true',
        'secrets.databaseUrl': 'postgres://x',
        'secrets.adminToken': 'x',
      }),
    ).toThrow(/secrets.secretsKey is required/);
  });

  it('renders documents that pass the Kubernetes schemas', () => {
    expect(schemaProblems(renderHelm(['ci/production-values.yaml']))).toEqual([]);
  });

  it('leaves the console out when services.console.enabled is false, and no other service', () => {
    const names = (manifests: Manifest[]) =>
      manifests.filter((m) => m.metadata.name === 'smsgate-console').map((m) => m.kind);
    expect(names(renderHelm()).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    const without = renderHelm([], { 'services.console.enabled': 'false' });
    expect(names(without)).toEqual([]);
    expect(schemaProblems(without)).toEqual([]);
    expect(
      byKind(without, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(
      SERVICES.filter((s) => s !== 'console')
        .map((s) => `smsgate-${s}`)
        .sort(),
    );
    expect(() => renderHelm([], { 'services.dispatcher.enabled': 'false' })).toThrow(
      /services.dispatcher.enabled: only the console may be left out/,
    );
  });

  it("serves SMPP over TLS from a Secret's certificate, on a load balancer, when asked", () => {
    const tls = renderHelm([], {
      'services.smpp-server.smpp.tlsSecret': 'smpp-tls',
      'services.smpp-server.smpp.serviceType': 'LoadBalancer',
    });
    expect(schemaProblems(tls)).toEqual([]);
    const deployment = byKind(tls, 'Deployment').find((d) => d.metadata.name === 'smsgate-smpp-server')!;
    const container = deployment.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: AnyObject) => [e.name, e.value]));
    expect(env).toMatchObject({
      SMPP_PORT: '2775',
      SMPP_TLS_PORT: '3550',
      SMPP_TLS_CERT_FILE: '/etc/smsgate/smpp-tls/tls.crt',
      SMPP_TLS_KEY_FILE: '/etc/smsgate/smpp-tls/tls.key',
    });
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'smpp-tls', mountPath: '/etc/smsgate/smpp-tls', readOnly: true }),
    );
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'smpp-tls',
      secret: { secretName: 'smpp-tls' },
    });
    const service = byKind(tls, 'Service').find((s) => s.metadata.name === 'smsgate-smpp-server-smpp')!;
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports.map((p: AnyObject) => [p.name, p.port, p.targetPort])).toEqual([
      ['smpp', 2775, 'smpp'],
      ['smpp-tls', 3550, 'smpp-tls'],
    ]);
    // Without a Secret: no TLS listener, nothing mounted.
    const plain = byKind(renderHelm([]), 'Deployment').find(
      (d) => d.metadata.name === 'smsgate-smpp-server',
    )!;
    expect(JSON.stringify(plain)).not.toContain('SMPP_TLS');
  });
});
