import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { NewSmppAccount, SmppAccountsRepository } from './smpp-accounts.repository';
import { NewSmppDelivery, SmppDeliveriesRepository } from './smpp-deliveries.repository';

/** The SMPP server's deliver_sm outbox against real PostgreSQL. */
describe('SmppDeliveriesRepository', () => {
  let db: DataSource;
  let deliveries: SmppDeliveriesRepository;
  let accounts: SmppAccountsRepository;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 3 }).initialize();
    deliveries = new SmppDeliveriesRepository(db);
    accounts = new SmppAccountsRepository(db);
  });

  beforeEach(async () => {
    workspaceId = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, randomUUID()],
    );
  });

  afterAll(() => db?.destroy());

  async function newAccount(fields: Partial<NewSmppAccount> = {}): Promise<string> {
    const id = randomUUID();
    await accounts.create({
      id,
      workspaceId,
      systemId: `it${randomUUID().replace(/-/g, '').slice(0, 13)}`,
      passwordHash: 'scrypt$16384$8$1$salt$hash',
      bindModes: ['transceiver'],
      maxBinds: 2,
      allowedSources: [],
      tps: null,
      channelId: null,
      inboundAddresses: [],
      inboundChannelIds: [],
      enabled: true,
      ...fields,
    });
    return id;
  }

  const receipt = (accountId: string, sourceId = randomUUID()): NewSmppDelivery => ({
    accountId,
    kind: 'receipt',
    sourceId,
    part: 0,
    pdu: { sourceAddr: '254700000001', shortMessage: 'aWQ6MQ==' },
  });

  const stateOf = async (accountId: string) =>
    db.query<Array<{ state: string; attempts: number; last_error: string | null }>>(
      `SELECT state, attempts, last_error FROM smpp_deliveries WHERE account_id = $1 ORDER BY id`,
      [accountId],
    );

  it('inserts once: a replay adds nothing; skips deleted and transmitter-only accounts', async () => {
    const account = await newAccount();
    const transmitter = await newAccount({ bindModes: ['transmitter'] });
    const first = receipt(account);
    expect(await deliveries.insertMany([first, receipt(transmitter), receipt(randomUUID())], 72)).toEqual([
      account,
    ]);
    expect(await deliveries.insertMany([first], 72)).toEqual([]);
    expect(await stateOf(account)).toHaveLength(1);
    expect(await stateOf(transmitter)).toHaveLength(0);
  });

  it('claims due rows of the given accounts oldest first, leased, once across claimers', async () => {
    const account = await newAccount();
    const other = await newAccount();
    const rows = [receipt(account), receipt(account), receipt(other)];
    await deliveries.insertMany(rows, 72);
    const [a, b] = await Promise.all([
      deliveries.claimDue([account], 1, 60_000),
      deliveries.claimDue([account], 1, 60_000),
    ]);
    const claimed = [...a, ...b].sort((x, y) => Number(x.id) - Number(y.id));
    expect(claimed).toHaveLength(2);
    expect(claimed[0]).toEqual({
      id: expect.any(String),
      accountId: account,
      kind: 'receipt',
      pdu: rows[0].pdu,
      attempts: 1,
    });
    // Leased: not due again until the lease ends.
    expect(await deliveries.claimDue([account], 10, 60_000)).toEqual([]);
    await deliveries.release([claimed[1].id]);
    const again = await deliveries.claimDue([account, other], 10, 60_000);
    expect(again.map((row) => [row.id, row.attempts])).toEqual([
      [claimed[1].id, 1],
      [expect.any(String), 1],
    ]);
    expect(again[1].accountId).toBe(other);
  });

  it('marks delivered and failed for good, reschedules with a delay', async () => {
    const account = await newAccount();
    await deliveries.insertMany([receipt(account), receipt(account), receipt(account)], 72);
    const [delivered, failed, retried] = await deliveries.claimDue([account], 10, 0);
    await deliveries.markDelivered([delivered.id]);
    await deliveries.markFailed([{ id: failed.id, error: 'ESME_RINVDSTADR' }]);
    await deliveries.reschedule([{ id: retried.id, delayMs: 60_000, error: 'status 0x00000014' }]);
    expect(await stateOf(account)).toEqual([
      { state: 'delivered', attempts: 1, last_error: null },
      { state: 'failed', attempts: 1, last_error: 'ESME_RINVDSTADR' },
      { state: 'pending', attempts: 1, last_error: 'status 0x00000014' },
    ]);
    expect(await deliveries.claimDue([account], 10, 0)).toEqual([]);
    // A late delivered mark after a failure changes nothing.
    await deliveries.markDelivered([failed.id]);
    expect((await stateOf(account))[1].state).toBe('failed');
    await deliveries.reschedule([{ id: retried.id, delayMs: 0, error: 'again' }]);
    expect(await deliveries.claimDue([account], 10, 0)).toMatchObject([{ id: retried.id, attempts: 2 }]);
  });

  it('expires rows past their expiry (not claimable before), then prunes finished ones', async () => {
    const account = await newAccount();
    const row = receipt(account);
    await deliveries.insertMany([row], 1);
    await db.query(
      `UPDATE smpp_deliveries SET expires_at = now() - interval '1 second' WHERE account_id = $1`,
      [account],
    );
    expect(await deliveries.claimDue([account], 10, 0)).toEqual([]);
    const expired = await deliveries.expire(1000);
    expect(expired.filter((e) => e.accountId === account)).toEqual([
      { id: expect.any(String), accountId: account, kind: 'receipt', sourceId: row.sourceId, attempts: 0 },
    ]);
    expect((await stateOf(account))[0].state).toBe('expired');
    await deliveries.prune(3600, 1000);
    expect(await stateOf(account)).toHaveLength(1);
    await db.query(
      `UPDATE smpp_deliveries SET finished_at = now() - interval '2 hours' WHERE account_id = $1`,
      [account],
    );
    expect(await deliveries.prune(3600, 1000)).toBeGreaterThanOrEqual(1);
    expect(await stateOf(account)).toHaveLength(0);
  });

  it('goes with its account', async () => {
    const account = await newAccount();
    await deliveries.insertMany([receipt(account)], 72);
    await db.query(`DELETE FROM smpp_accounts WHERE id = $1`, [account]);
    expect(await stateOf(account)).toHaveLength(0);
  });
});
