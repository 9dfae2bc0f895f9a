import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { SmppAccountsRepository } from './smpp-accounts.repository';
import { ClaimedBind, SmppServerBindsRepository } from './smpp-server-binds.repository';

/** ESME binds across SMPP server replicas against real PostgreSQL: max_binds for the whole cluster. */
describe('SmppServerBindsRepository', () => {
  let db: DataSource;
  let binds: SmppServerBindsRepository;
  let accounts: SmppAccountsRepository;
  let accountId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 6 }).initialize();
    binds = new SmppServerBindsRepository(db);
    accounts = new SmppAccountsRepository(db);
  });

  beforeEach(async () => {
    const workspaceId = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, randomUUID()],
    );
    accountId = randomUUID();
    await accounts.create({
      id: accountId,
      workspaceId,
      systemId: `it${randomUUID().replace(/-/g, '').slice(0, 13)}`,
      passwordHash: 'scrypt$16384$8$1$salt$hash',
      bindModes: ['transceiver'],
      maxBinds: 2,
      allowedSources: [],
      tps: 10,
      channelId: null,
      inboundAddresses: [],
      inboundChannelIds: [],
      enabled: true,
    });
  });

  afterAll(() => db?.destroy());

  const bind = (replica: string): ClaimedBind => ({
    sessionId: randomUUID(),
    accountId,
    replica,
    mode: 'transceiver',
    remoteAddress: '10.0.0.7',
  });

  it('takes no more than max_binds across replicas, even when they all ask at once', async () => {
    const asks = Array.from({ length: 6 }, (_, i) => binds.claim(bind(`replica-${i % 3}`), 2, 15));
    expect((await Promise.all(asks)).filter(Boolean)).toHaveLength(2);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM smpp_server_binds WHERE account_id = $1`, [
      accountId,
    ]);
    expect(n).toBe(2);
  });

  it('frees a place when a bind is released, and all of a replica’s places when it stops', async () => {
    const first = bind('a');
    expect(await binds.claim(first, 2, 15)).toBe(true);
    expect(await binds.claim(bind('b'), 2, 15)).toBe(true);
    expect(await binds.claim(bind('b'), 2, 15)).toBe(false);
    await binds.release(first.sessionId);
    expect(await binds.claim(bind('b'), 2, 15)).toBe(true);
    await binds.releaseReplica('b');
    expect(await binds.shares([accountId], 'a', 15)).toEqual([]);
  });

  it('gives each replica its share of the account’s live binds', async () => {
    const mine = bind('a');
    await binds.claim(mine, 3, 15);
    await binds.claim(bind('b'), 3, 15);
    await binds.claim(bind('b'), 3, 15);
    expect(await binds.shares([accountId], 'a', 15)).toEqual([{ accountId, total: 3, mine: 1 }]);
    expect(await binds.shares([accountId], 'b', 15)).toEqual([{ accountId, total: 3, mine: 2 }]);
  });

  it('stops counting the binds of a replica that stopped refreshing them, and forgets them', async () => {
    const dead = bind('dead');
    const alive = bind('alive');
    await binds.claim(dead, 2, 15);
    await binds.claim(alive, 2, 15);
    await db.query(
      `UPDATE smpp_server_binds SET seen_at = now() - interval '1 minute' WHERE account_id = $1`,
      [accountId],
    );
    // The live replica refreshes its own; the dead one's place is free again.
    await binds.heartbeat('alive', [alive.sessionId]);
    expect(await binds.shares([accountId], 'alive', 15)).toEqual([{ accountId, total: 1, mine: 1 }]);
    expect(await binds.claim(bind('alive'), 2, 15)).toBe(true);
    expect(await binds.forgetStale(15)).toBe(1);
    const rows = await db.query(`SELECT session_id FROM smpp_server_binds WHERE session_id = $1`, [
      dead.sessionId,
    ]);
    expect(rows).toEqual([]);
  });
});
