import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { SmscBindReportsRepository } from './smsc-bind-reports.repository';

/** smpp-binds replicas' reports of their binds, against real PostgreSQL. */
describe('SmscBindReportsRepository', () => {
  let db: DataSource;
  let reports: SmscBindReportsRepository;
  const replica = (name: string) => `it-${name}-${randomUUID().slice(0, 8)}`;
  const channel = (name: string) => ({ channel: randomUUID(), name, binds: [{ id: 'b1', state: 'bound' }] });

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize();
    reports = new SmscBindReportsRepository(db);
  });

  afterAll(() => db.destroy());

  it('keeps one report per replica, the latest, and reads back what it wrote', async () => {
    const a = replica('a');
    await reports.report(a, [0, 1], [channel('first')]);
    const second = channel('second');
    await reports.report(a, [2], [second]);
    const mine = (await reports.current(60_000)).filter((report) => report.replica === a);
    expect(mine).toEqual([{ replica: a, partitions: [2], channels: [second], updatedAt: expect.any(Date) }]);
  });

  it('leaves out a replica that has not reported within the age asked, and forgets one that stopped', async () => {
    const quiet = replica('quiet');
    const live = replica('live');
    await reports.report(quiet, [0], [channel('old')]);
    await db.query(
      `UPDATE smsc_bind_reports SET updated_at = now() - interval '30 seconds' WHERE replica = $1`,
      [quiet],
    );
    await reports.report(live, [1], [channel('new')]);
    const names = (await reports.current(15_000)).map((report) => report.replica);
    expect(names).toContain(live);
    expect(names).not.toContain(quiet);
    expect((await reports.current(60_000)).map((report) => report.replica)).toContain(quiet);

    await reports.remove(live);
    expect((await reports.current(60_000)).map((report) => report.replica)).not.toContain(live);
  });

  it('deletes reports an hour old when any replica reports', async () => {
    const gone = replica('gone');
    await reports.report(gone, [0], []);
    await db.query(
      `UPDATE smsc_bind_reports SET updated_at = now() - interval '2 hours' WHERE replica = $1`,
      [gone],
    );
    await reports.report(replica('other'), [1], []);
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM smsc_bind_reports WHERE replica = $1`,
      [gone],
    );
    expect(n).toBe(0);
  });
});
