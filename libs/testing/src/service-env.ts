import { Client } from 'pg';
import { ADMIN_TOKEN, SECRETS_KEY } from './factories';

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

/** A connected client of the test database, for assertions on what the services stored. */
export async function connectTestDatabase(): Promise<Client> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  return db;
}
