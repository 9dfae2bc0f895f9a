import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { ChannelRateBudgetsRepository } from './channel-rate-budgets.repository';

/** The shared rate budget against real PostgreSQL: concurrent leases, window shares, pauses. */
describe('ChannelRateBudgetsRepository', () => {
  let db: DataSource;
  let budgets: ChannelRateBudgetsRepository;
  let channel: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 8 }).initialize();
    budgets = new ChannelRateBudgetsRepository(db);
  });

  beforeEach(async () => {
    const workspace = randomUUID();
    channel = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspace, randomUUID()],
    );
    await db.query(`INSERT INTO channels (id, workspace_id, type, name) VALUES ($1, $2, 'ex', 'it')`, [
      channel,
      workspace,
    ]);
  });

  afterAll(() => db?.destroy());

  it('never leases more than a window’s share to concurrent callers, and says when the next starts', async () => {
    // A whole second as one window: the share is the tps, and the callers race in the same window.
    const leases = await Promise.all(Array.from({ length: 16 }, () => budgets.lease(channel, 1_000, 10, 3)));
    const granted = leases.reduce((sum, lease) => sum + lease.granted, 0);
    const windows = new Set(leases.map((lease) => Math.floor((Date.now() + lease.waitMs) / 1_000)));
    // Unless the second turned while they ran, 10 of the 48 asked for: never more than 10 per window.
    expect(granted).toBeLessThanOrEqual(10 * windows.size);
    expect(granted).toBeGreaterThanOrEqual(10);
    for (const lease of leases) expect(lease.waitMs).toBeLessThanOrEqual(1_000);
  });

  it('gives a fractional share window by window that adds up to the tps', async () => {
    let granted = 0;
    const until = Date.now() + 1_000;
    while (Date.now() < until) {
      const lease = await budgets.lease(channel, 100, 3, 5);
      granted += lease.granted;
      if (lease.granted === 0) await new Promise((resolve) => setTimeout(resolve, lease.waitMs));
    }
    expect(granted).toBeGreaterThanOrEqual(2);
    expect(granted).toBeLessThanOrEqual(4);
  });

  it('leases nothing while paused, says for how long, and keeps the longer of two pauses', async () => {
    await budgets.pause(channel, 2_000);
    await budgets.pause(channel, 500);
    const lease = await budgets.lease(channel, 100, 100, 5);
    expect(lease.granted).toBe(0);
    expect(lease.waitMs).toBeGreaterThan(1_500);
    expect(lease.waitMs).toBeLessThanOrEqual(2_000);
  });

  it('goes with its channel', async () => {
    await budgets.lease(channel, 100, 10, 1);
    await db.query(`DELETE FROM channels WHERE id = $1`, [channel]);
    expect(await db.query(`SELECT 1 FROM channel_rate_budgets WHERE channel_id = $1`, [channel])).toEqual([]);
  });
});
