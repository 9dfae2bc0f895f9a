import { Client } from 'pg';
import { createDataSource, migrations } from './data-source';
import { revertLastMigration, runMigrations } from './migrate';

const url = (database: string) => process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${database}`);

describe('migrations', () => {
  const database = `smsgate_migrate_${process.pid}`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  const tables = async (): Promise<string[]> => {
    const client = new Client({ connectionString: url(database) });
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
    );
    await client.end();
    return rows.map((row) => row.table_name);
  };

  it('go up, are idempotent when run concurrently, and come down again', async () => {
    const [first, second] = await Promise.all([runMigrations(url(database)), runMigrations(url(database))]);
    expect([...first, ...second]).toEqual(migrations.map((migration) => migration.name));
    expect(await tables()).toEqual([
      'callback_outbox',
      'channel_rate_budgets',
      'channels',
      'cht_broadcasts',
      'cht_gateway_inbox',
      'cht_inbound_forwards',
      'cht_loop_counters',
      'cht_messages',
      'cht_targets',
      'dispatch_attempts',
      'inbound_dedup',
      'message_events',
      'message_parts',
      'message_templates',
      'messages',
      'opt_outs',
      'parked_events',
      'profiles',
      'rapidpro_channels',
      'routes',
      'send_requests',
      'smartlink_clicks',
      'smartlink_codes',
      'smartlinks',
      'smpp_accounts',
      'smpp_channel_states',
      'smpp_deliveries',
      'smpp_mo_parts',
      'smpp_server_binds',
      'smpp_server_submits',
      'smpp_submits',
      'smsc_bind_reports',
      'workspaces',
    ]);

    for (const _ of migrations) await revertLastMigration(url(database));
    expect(await tables()).toEqual([]);
    expect(await runMigrations(url(database))).toEqual(migrations.map((migration) => migration.name));
  });

  // Constraints and indexes live in the migrations only; columns must match the entities exactly.
  it('leave the entity columns matching the schema', async () => {
    const dataSource = createDataSource({ url: url(database) });
    await dataSource.initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      const columnChanges = pending.upQueries
        .map((query) => query.query)
        .filter((query) => /CREATE TABLE|ADD "|ALTER COLUMN|DROP COLUMN/.test(query));
      expect(columnChanges).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
