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
    expect(mine).toEqual([
      { replica: a, partitions: [2], channels: [{ ...second, replica: a }], updatedAt: expect.any(Date) },
    ]);
  });

  it("merges every live replica's channels, each tagged with its replica, and narrows them to a workspace", async () => {
    const workspace = async () => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
        [id, randomUUID()],
      );
      return id;
    };
    // Disabled, so no smpp-binds running against this database binds them.
    const seeded = async (workspaceId: string, name: string) => {
      const entry = channel(name);
      await db.query(
        `INSERT INTO channels (id, workspace_id, type, name, enabled) VALUES ($1, $2, 'smpp', $3, false)`,
        [entry.channel, workspaceId, name],
      );
      return entry;
    };
    const [mine, theirs] = [await workspace(), await workspace()];
    const [a, b] = [replica('a'), replica('b')];
    const [first, second, other] = [
      await seeded(mine, 'first'),
      await seeded(mine, 'second'),
      await seeded(theirs, 'other'),
    ];
    const unknown = channel('not in the channels table');
    await reports.report(a, [0], [first, other, unknown]);
    await reports.report(b, [1], [second]);
    const ours = (report: { replica: string }) => report.replica === a || report.replica === b;

    const all = (await reports.current(60_000)).filter(ours);
    expect(all.flatMap((report) => report.channels)).toEqual([
      { ...first, replica: a },
      { ...other, replica: a },
      { ...unknown, replica: a },
      { ...second, replica: b },
    ]);

    const narrowed = (await reports.current(60_000, { workspace: mine })).filter(ours);
    expect(narrowed.map((report) => [report.replica, report.partitions])).toEqual([
      [a, [0]],
      [b, [1]],
    ]);
    expect(narrowed.flatMap((report) => report.channels)).toEqual([
      { ...first, replica: a },
      { ...second, replica: b },
    ]);
    const elsewhere = (await reports.current(60_000, { workspace: await workspace() })).filter(ours);
    expect(elsewhere.map((report) => report.channels)).toEqual([[], []]);
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
