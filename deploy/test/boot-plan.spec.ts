import {
  BootPlan,
  composePlan,
  composeShellEnv,
  generateSecrets,
  kubernetesPlan,
  reached,
  readmeSecret,
} from './boot-plan';
import { DEPLOYMENT_FORMS, readmeSecrets } from './deployment-forms';
import { envProblems, linkProblems } from './env-check';
import { render } from './manifests';

describe.each(DEPLOYMENT_FORMS)('the environment $form gives each process', ({ plan }) => {
  it("is what the services' config schemas read and accept", () => {
    const boot = plan();
    expect(boot.services.map((service) => service.app).sort()).toEqual([
      'cht-relay',
      'console',
      'dispatcher',
      'dlr-tracker',
      'ingress',
      'smpp-binds',
      'smpp-server',
    ]);
    expect(envProblems(boot)).toEqual([]);
  });

  it('points the console at the ingress and dlr-tracker of the same form, and ingress at dlr-tracker', () => {
    const boot = plan();
    expect(linkProblems(boot)).toEqual([]);
    // Each link is a real address of the form: the console's reach ingress and dlr-tracker.
    const consoleService = boot.services.find((service) => service.app === 'console')!;
    expect(reached(boot.addresses, consoleService.env.INGRESS_URL)?.app).toBe('ingress');
    expect(reached(boot.addresses, consoleService.env.DLR_TRACKER_URL)?.app).toBe('dlr-tracker');
  });
});

describe('linkProblems', () => {
  const plan = () => composePlan(composeShellEnv());
  const consoleOf = (boot: BootPlan) => boot.services.find((service) => service.app === 'console')!;

  it('names a link that is unset, reaches nothing, reaches another app or another port', () => {
    const boot = plan();
    delete consoleOf(boot).env.INGRESS_URL;
    consoleOf(boot).env.DLR_TRACKER_URL = 'http://dlr-tracker:8080';
    expect(linkProblems(boot)).toEqual([
      'compose/console: INGRESS_URL is unset (it must reach ingress)',
      'compose/console: DLR_TRACKER_URL http://dlr-tracker:8080 reaches no service of this form',
    ]);
    consoleOf(boot).env.INGRESS_URL = 'http://dlr-tracker:8083';
    consoleOf(boot).env.DLR_TRACKER_URL = 'http://dlr-tracker:8083/';
    boot.addresses['dlr-tracker:8083'].port = 9999;
    expect(linkProblems(boot)).toEqual([
      'compose/ingress: MESSAGES_API_URL http://dlr-tracker:8083 reaches dlr-tracker on 9999; it listens on 8083',
      'compose/console: INGRESS_URL http://dlr-tracker:8083 reaches dlr-tracker, not ingress',
      'compose/console: DLR_TRACKER_URL http://dlr-tracker:8083/ reaches dlr-tracker on 9999; it listens on 8083',
    ]);
  });

  it("resolves a Kubernetes Service's names and port to the container port it targets", () => {
    const { addresses } = kubernetesPlan(render('overlays/staging'), readmeSecrets());
    for (const host of ['smsgate-ingress', 'smsgate-ingress.smsgate-staging.svc.cluster.local'])
      expect(reached(addresses, `http://${host}`)).toEqual({ app: 'ingress', port: 8080 });
    expect(reached(addresses, 'http://smsgate-ingress:8080')).toBeUndefined();
    expect(reached(addresses, 'http://smsgate-nothing')).toBeUndefined();
  });
});

describe('envProblems', () => {
  const plan = () => composePlan(composeShellEnv());

  it('names a required variable that is missing, without its value', () => {
    const boot = plan();
    const ingress = boot.services.find((service) => service.app === 'ingress')!;
    const token = ingress.env.ADMIN_TOKEN;
    delete ingress.env.ADMIN_TOKEN;
    ingress.env.SECRETS_KEY = 'c2hvcnQ=';
    const problems = envProblems(boot);
    expect(problems).toEqual([
      expect.stringMatching(/^compose\/ingress: SECRETS_KEY must be 32 bytes/),
      expect.stringMatching(/^compose\/ingress: ADMIN_TOKEN is required/),
    ]);
    expect(problems.join('\n')).not.toContain(token);
  });

  it('names a variable nothing reads, and a port the probe does not use', () => {
    const boot = plan();
    boot.migrate.env.KAFKA_BROKERS = 'kafka:9092';
    boot.services[0].env.CALLBACK_URL = 'http://x';
    boot.services[0].env.PORT = '1234';
    expect(envProblems(boot)).toEqual([
      'compose/migrate: sets KAFKA_BROKERS, which ingress does not read',
      'compose/ingress: sets CALLBACK_URL, which ingress does not read',
      'compose/ingress: listens on 1234, probed on 8080',
    ]);
  });
});

describe('kubernetesPlan', () => {
  it("refuses a key the README's Secret does not hold", () => {
    const { name } = readmeSecret();
    expect(() =>
      kubernetesPlan(render('overlays/staging'), { [name]: generateSecrets(['DATABASE_URL']) }),
    ).toThrow(/SECRETS_KEY: Secret smsgate-secrets, key SECRETS_KEY, does not exist/);
  });
});

describe('kubernetesPlan with a Secret among the documents', () => {
  it('reads its data (base64) and stringData', () => {
    const { name, keys } = readmeSecret();
    const values = generateSecrets(keys);
    const { DATABASE_URL, ...rest } = values;
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      data: Object.fromEntries(
        Object.entries(rest).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
      ),
      stringData: { DATABASE_URL },
    };
    const plan = kubernetesPlan([...render('overlays/staging'), secret], {});
    const ingress = plan.services.find((service) => service.app === 'ingress')!;
    expect(ingress.env).toMatchObject(values);
    expect(envProblems(plan)).toEqual([]);
  });
});
