import { migrations } from '@smsgate/db';
import { loadTestInfra } from '@smsgate/testing';
import { APPS } from '../deploy/test/boot-plan';
import { DEPLOYMENT_FORMS } from '../deploy/test/deployment-forms';
import { bootForm, RunningService } from './support/deployment-boot';

/**
 * With every service of the form running: the console serves its pages and passes requests on to the
 * ingress and dlr-tracker the form points it at (INGRESS_URL, DLR_TRACKER_URL), and ingress passes the
 * message list on to dlr-tracker (MESSAGES_API_URL). Only ingress creates workspaces and only
 * dlr-tracker lists messages, so each answer shows which service it came from.
 */
async function linksWork(services: RunningService[]): Promise<void> {
  const of = (app: string) => services.find((service) => service.app === app)!;
  const consoleService = of('console');
  const page = await fetch(`${consoleService.url}/`);
  expect([page.status, page.headers.get('content-type')]).toEqual([
    200,
    expect.stringContaining('text/html'),
  ]);
  const admin = { authorization: `Bearer ${consoleService.env.ADMIN_TOKEN}` };
  const whoami = await fetch(`${consoleService.url}/v1/whoami`, { headers: admin });
  expect(whoami.status).toBe(200);
  const created = await fetch(`${consoleService.url}/v1/workspaces`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'deployment boot' }),
  });
  expect({ status: created.status, by: 'ingress' }).toEqual({ status: 201, by: 'ingress' });
  const { apiKey } = (await created.json()) as { apiKey: string };
  for (const base of [consoleService.url, of('ingress').url]) {
    const list = await fetch(`${base}/v1/messages`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect({ base, status: list.status }).toEqual({ base, status: 200 });
    expect(await list.json()).toEqual({ data: [], next: null });
  }
}

describe('every deployment form boots', () => {
  const infra = loadTestInfra();

  it.each(DEPLOYMENT_FORMS)(
    '$form: migrations from an empty database, then every service ready, the console linked',
    async ({ form, plan, hosts }) => {
      const boot = plan();
      const result = await bootForm(form, boot, hosts, infra, linksWork);
      // From an empty database: every migration, in order.
      expect(result.migrated).toBe(`migrations: ${migrations.map(({ name }) => name).join(', ')}`);
      expect(result.services.map(({ app }) => app).sort()).toEqual([...APPS].sort());
      // SIGTERM drains and exits 0, as Kubernetes and Compose stop them.
      expect(result.services.filter(({ exitCode }) => exitCode !== 0)).toEqual([]);
      console.log(
        `${form}: ready in ${result.services.map(({ source, readyMs }) => `${source} ${readyMs} ms`).join(', ')}`,
      );
    },
  );
});
