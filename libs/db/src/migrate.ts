import { createDataSource } from './data-source';

// Any fixed number: serialises concurrent migration runs (several pods, or a Job racing a dev run).
const MIGRATION_LOCK = 7_340_211;

/** Applies pending migrations; safe to run from several places at once. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'smsgate-migrate' });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
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
