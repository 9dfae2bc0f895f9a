import { writeFileSync } from 'node:fs';
import { runMigrations } from '@smsgate/db';
import { ensureTopics, createKafka } from '@smsgate/kafka';
import { ensureTestInfra, infraEnvFile } from './infra';

/** Once per test run: infrastructure up, schema migrated, topics created. */
export default async function globalSetup(): Promise<void> {
  const infra = ensureTestInfra();
  await runMigrations(infra.databaseUrl);
  const kafka = createKafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'smsgate-test-setup' });
  await ensureTopics(kafka);
  writeFileSync(infraEnvFile, JSON.stringify(infra));
}
