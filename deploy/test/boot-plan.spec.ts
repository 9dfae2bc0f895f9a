import { composePlan, composeShellEnv, generateSecrets, kubernetesPlan, readmeSecret } from './boot-plan';
import { DEPLOYMENT_FORMS } from './deployment-forms';
import { envProblems } from './env-check';
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
