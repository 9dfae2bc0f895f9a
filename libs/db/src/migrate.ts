import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

// Any fixed number: serialises concurrent migration runs (several pods, or a Job racing a dev run).
const MIGRATION_LOCK = 7_340_211;
const LOCK_POLL_MS = 200;

/** Applies pending migrations; safe to run from several places at once. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'smsgate-migrate' });
  await dataSource.initialize();
  try {
    await takeLock(dataSource);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Polled rather than waited for: a session blocked in pg_advisory_lock holds a snapshot, and a
 * CREATE INDEX CONCURRENTLY in the session holding the lock waits for every older snapshot to go —
 * each would wait for the other (PostgreSQL reports the deadlock).
 */
async function takeLock(dataSource: DataSource): Promise<void> {
  for (;;) {
    const [row] = await dataSource.query<{ locked: boolean }[]>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK,
    ]);
    if (row?.locked) return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** Reverts the most recent migration. */
export async function revertLastMigration(url: string): Promise<void> {
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'smsgate-migrate' });
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  // `npm run migrate [-- down]`; the one place outside config that reads the environment directly.
  // eslint-disable-next-line no-restricted-properties
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required');
    process.exit(2);
  }
  const run =
    process.argv[2] === 'down' ? revertLastMigration(url).then(() => ['reverted one']) : runMigrations(url);
  run.then(
    (names) => console.log(names.length ? `migrations: ${names.join(', ')}` : 'migrations: up to date'),
    (error: unknown) => {
      console.error('migration failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
