import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { MessageViewsRepository } from './message-views.repository';
import { WorkspacesRepository } from './workspaces.repository';

/** The traffic figures' SQL (GET /v1/stats/traffic) and the workspace list, against real PostgreSQL. */
describe('MessageViewsRepository.traffic', () => {
  let db: DataSource;
  let views: MessageViewsRepository;
  let workspaceId: string;
  let otherWorkspace: string;
  let channelA: string;
  let channelB: string;

  const since = new Date('2026-12-05T09:00:00.000Z');
  const until = new Date('2026-12-05T10:00:00.000Z');
  const at = (time: string) => new Date(`2026-12-05T${time}Z`);

  const workspace = async (name: string) => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, $2, $3, 'sg_it')`,
      [id, name, randomUUID()],
    );
    return id;
  };

  const channel = async (workspace: string) => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO channels (id, workspace_id, type, name, config) VALUES ($1, $2, 'ex', 'it', '{}'::jsonb)`,
      [id, workspace],
    );
    return id;
  };

  const message = (
    workspace: string,
    fields: {
      channel: string | null;
      status: string;
      created: string;
      statusAt?: string;
      direction?: 'in' | 'out';
    },
  ) =>
    db.query(
      `INSERT INTO messages (id, workspace_id, channel_id, direction, text, status, segments, encoding,
                             status_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'it', $5, 1, 'gsm7', $6, $7, $7)`,
      [
        randomUUID(),
        workspace,
        fields.channel,
        fields.direction ?? 'out',
        fields.status,
        fields.statusAt ? at(fields.statusAt) : at(fields.created),
        at(fields.created),
      ],
    );

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize();
    views = new MessageViewsRepository(db);
    workspaceId = await workspace('traffic');
    otherWorkspace = await workspace('traffic, another');
    [channelA, channelB] = [await channel(workspaceId), await channel(workspaceId)];
    const A = channelA;
    const B = channelB;
    for (const fields of [
      // 09:00: two delivered (2 s and 4 s), one failed.
      { channel: A, status: 'delivered', created: '09:00:10', statusAt: '09:00:12' },
      { channel: A, status: 'delivered', created: '09:00:50', statusAt: '09:00:54' },
      { channel: A, status: 'failed', created: '09:00:30' },
      // 09:05: no route (no channel), and an inbound message.
      { channel: null, status: 'no_route', created: '09:05:00' },
      { channel: B, status: 'received', created: '09:05:59.999', direction: 'in' as const },
      // 09:30: delivered by a receipt stamped (to the minute) before the message was created: 0 ms.
      { channel: A, status: 'delivered', created: '09:30:20', statusAt: '09:30:00' },
      // The window's last millisecond, delivered 10 s later.
      { channel: B, status: 'delivered', created: '09:59:59.999', statusAt: '10:00:09.999' },
      // Outside the window: just before, and its end (exclusive).
      { channel: A, status: 'delivered', created: '08:59:59.999', statusAt: '09:00:01' },
      { channel: A, status: 'delivered', created: '10:00:00', statusAt: '10:00:01' },
    ])
      await message(workspaceId, fields);
    await message(otherWorkspace, {
      channel: null,
      status: 'delivered',
      created: '09:00:10',
      statusAt: '09:00:11',
    });
  });

  afterAll(() => db?.destroy());

  it('counts the workspace’s messages of the window by minute, status and channel, in one query', async () => {
    const { counts } = await views.traffic(workspaceId, since, until, 60);
    const shown = counts
      .map((row) => ({ ...row, bucket: row.bucket.toISOString() }))
      .sort((a, b) => `${a.bucket}${a.status}`.localeCompare(`${b.bucket}${b.status}`));
    expect(shown).toEqual([
      { bucket: '2026-12-05T09:00:00.000Z', status: 'delivered', channelId: channelA, n: 2 },
      { bucket: '2026-12-05T09:00:00.000Z', status: 'failed', channelId: channelA, n: 1 },
      { bucket: '2026-12-05T09:05:00.000Z', status: 'no_route', channelId: null, n: 1 },
      { bucket: '2026-12-05T09:05:00.000Z', status: 'received', channelId: channelB, n: 1 },
      { bucket: '2026-12-05T09:30:00.000Z', status: 'delivered', channelId: channelA, n: 1 },
      { bucket: '2026-12-05T09:59:00.000Z', status: 'delivered', channelId: channelB, n: 1 },
    ]);
  });

  it('gives the latency percentiles of delivered outbound messages per bucket and over the window', async () => {
    const { latencies } = await views.traffic(workspaceId, since, until, 60);
    const byBucket = new Map(latencies.map(({ bucket, ...p }) => [bucket?.toISOString() ?? 'all', p]));
    expect(byBucket.size).toBe(4);
    // Linear interpolation between the sorted values (percentile_cont): 2000 and 4000.
    expect(byBucket.get('2026-12-05T09:00:00.000Z')).toEqual({ p50: 3000, p90: 3800, p99: 3980 });
    expect(byBucket.get('2026-12-05T09:30:00.000Z')).toEqual({ p50: 0, p90: 0, p99: 0 });
    expect(byBucket.get('2026-12-05T09:59:00.000Z')).toEqual({ p50: 10000, p90: 10000, p99: 10000 });
    // 0, 2000, 4000, 10000.
    const all = byBucket.get('all')!;
    expect(all.p50).toBeCloseTo(3000, 6);
    expect(all.p90).toBeCloseTo(8200, 6);
    expect(all.p99).toBeCloseTo(9820, 6);
  });

  it('bins by ten minutes from the window’s start', async () => {
    const { counts, latencies } = await views.traffic(workspaceId, since, until, 600);
    const buckets = [...new Set(counts.map((row) => row.bucket.toISOString()))].sort();
    expect(buckets).toEqual([
      '2026-12-05T09:00:00.000Z',
      '2026-12-05T09:30:00.000Z',
      '2026-12-05T09:50:00.000Z',
    ]);
    const first = counts.filter((row) => row.bucket.getTime() === since.getTime());
    expect(first.reduce((sum, row) => sum + row.n, 0)).toBe(5);
    expect(latencies.find((row) => row.bucket?.getTime() === since.getTime())).toMatchObject({ p50: 3000 });
  });

  it('has no counts and no percentiles for an empty window', async () => {
    const empty = await views.traffic(workspaceId, at('11:00:00'), at('12:00:00'), 60);
    expect(empty).toEqual({ counts: [], latencies: [] });
  });

  it('lists every workspace oldest first, with no key hash or secret', async () => {
    const list = await new WorkspacesRepository(db).list();
    const ours = list.filter((row) => row.id === workspaceId || row.id === otherWorkspace);
    expect(ours.map((row) => row.name)).toEqual(['traffic', 'traffic, another']);
    for (const row of list)
      expect(Object.keys(row).sort()).toEqual(['apiKeyPrefix', 'createdAt', 'id', 'name']);
    const times = list.map((row) => row.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
