import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const testInfraDir = path.join(repoRoot, '.local', 'test-infra');

export interface TestInfra {
  kafkaBrokers: string;
  databaseUrl: string;
}

/**
 * Starts (or reuses) the test instance of Kafka and PostgreSQL through the project's own script,
 * on free ports in its own folder, so tests never collide with a running `npm start`.
 */
export function ensureTestInfra(): TestInfra {
  const env = {
    ...process.env,
    SMSGATE_INFRA_DIR: testInfraDir,
    SMSGATE_INFRA_PORTS: 'free',
    KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    // Tests need no crash durability from the test database; they need it fast.
    PG_EXTRA_OPTS: '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  };
  const script = path.join(repoRoot, 'scripts', 'infra.sh');
  execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return readTestInfra(execFileSync('bash', [script, 'env'], { env, encoding: 'utf8' }));
}

function readTestInfra(text: string): TestInfra {
  const vars = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  if (!vars.KAFKA_BROKERS || !vars.DATABASE_URL)
    throw new Error(`infra.sh env printed no addresses:\n${text}`);
  return { kafkaBrokers: vars.KAFKA_BROKERS, databaseUrl: vars.DATABASE_URL };
}

export const infraEnvFile = path.join(testInfraDir, 'jest-env.json');

export function loadTestInfra(): TestInfra {
  if (!existsSync(infraEnvFile))
    throw new Error('test infrastructure not prepared: run tests through jest.config.js');
  return JSON.parse(readFileSync(infraEnvFile, 'utf8')) as TestInfra;
}
