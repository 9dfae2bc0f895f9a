import { Client } from 'pg';
import { freshGroupAtEnd } from './consumer-groups';
import { ADMIN_TOKEN, SECRETS_KEY } from './factories';
import { ServiceName, ServiceProcess } from './service-process';

/** What every service needs to boot against the test infrastructure, with a test's own settings on top. */
export function serviceEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    ADMIN_TOKEN,
    SECRETS_KEY,
    ...overrides,
  };
}

/**
 * Starts a consuming service in a group of its own (`<group>-<uuid>`) that begins where the topics end
 * now: the shared topics' history is other suites' business.
 */
export async function startInFreshGroup(
  name: ServiceName,
  group: string,
  env: NodeJS.ProcessEnv = serviceEnv(),
): Promise<ServiceProcess> {
  const groupId = await freshGroupAtEnd(process.env.KAFKA_BROKERS!, group);
  return ServiceProcess.start(name, { ...env, KAFKA_GROUP_ID: groupId });
}

/** A connected client of the test database, for assertions on what the services stored. */
export async function connectTestDatabase(): Promise<Client> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  return db;
}
