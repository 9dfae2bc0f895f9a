import { migrations } from '@smsgate/db';
import { loadTestInfra } from '@smsgate/testing';
import { DEPLOYMENT_FORMS } from '../deploy/test/deployment-forms';
import { bootForm } from './support/deployment-boot';

describe('every deployment form boots', () => {
  const infra = loadTestInfra();

  it.each(DEPLOYMENT_FORMS)(
    '$form: migrations from an empty database, then every service ready',
    async ({ form, plan, hosts }) => {
      const boot = plan();
      const result = await bootForm(form, boot, hosts, infra);
      // From an empty database: every migration, in order.
      expect(result.migrated).toBe(`migrations: ${migrations.map(({ name }) => name).join(', ')}`);
      expect(result.services.map(({ source }) => source)).toHaveLength(7);
      // SIGTERM drains and exits 0, as Kubernetes and Compose stop them.
      expect(result.services.filter(({ exitCode }) => exitCode !== 0)).toEqual([]);
      console.log(
        `${form}: ready in ${result.services.map(({ source, readyMs }) => `${source} ${readyMs} ms`).join(', ')}`,
      );
    },
  );
});
