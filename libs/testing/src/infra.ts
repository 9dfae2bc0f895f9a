import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const libRoot = path.resolve(__dirname, '../../..');
/** The repository, whether this runs from the sources (tests) or from dist/ (`npm run faults`). */
export const repoRoot = path.basename(libRoot) === 'dist' ? path.dirname(libRoot) : libRoot;
export const testInfraDir = path.join(repoRoot, '.local', 'test-infra');
const script = path.join(repoRoot, 'scripts', 'infra.sh');

export interface TestInfra {
  kafkaBrokers: string;
  databaseUrl: string;
}

/** Settings of one infrastructure instance (a folder of its own, free ports): tests', the fault suite's. */
export const infraEnv = (dir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  SMSGATE_INFRA_DIR: dir,
  SMSGATE_INFRA_PORTS: 'free',
  KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
  // Tests need no crash durability from the test database; they need it fast.
  PG_EXTRA_OPTS: '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
});

/**
 * Starts (or reuses) the infrastructure instance in `dir` through the project's own script, on free
 * ports in its own folder, so tests never collide with a running `npm start`.
 */
export function ensureInfra(dir: string): TestInfra {
  const env = infraEnv(dir);
  execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return readTestInfra(execFileSync('bash', [script, 'env'], { env, encoding: 'utf8' }));
}

/** The test instance of Kafka and PostgreSQL (.local/test-infra). */
export function ensureTestInfra(): TestInfra {
  return ensureInfra(testInfraDir);
}

/**
 * `scripts/infra.sh <args>` on the instance in `dir`, without blocking the event loop (a fault suite
 * keeps its load, its SMSC and its receivers running meanwhile).
 */
export function infraCommand(dir: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', [script, ...args], { env: infraEnv(dir) }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`infra.sh ${args.join(' ')} failed: ${stderr || error.message}`))
        : resolve(stdout),
    ),
  );
}

/** The pid of the instance's Kafka broker (a JVM). */
export function kafkaPidOf(dir: string): number {
  return Number(readFileSync(path.join(dir, 'kafka', 'kafka.pid'), 'utf8').trim());
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
