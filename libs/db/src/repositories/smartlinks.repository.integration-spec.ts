import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { SmartlinksRepository } from './smartlinks.repository';

/** Smartlink SQL against real PostgreSQL: expiry, deletion and the cleanup of long-expired codes. */
describe('SmartlinksRepository', () => {
  let db: DataSource;
  let links: SmartlinksRepository;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize();
    links = new SmartlinksRepository(db);
  });

  beforeEach(async () => {
    workspaceId = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, randomUUID()],
    );
    expect(await links.insert(workspaceId, '5', 'https://example.org/a')).toMatchObject({ linkId: '5' });
  });

  afterAll(() => db?.destroy());

  const code = (suffix: string, minutesFromNow: number) => ({
    code: `${workspaceId.slice(0, 6)}${suffix}`,
    workspaceId,
    linkId: '5',
    messageId: randomUUID(),
    expiresAt: new Date(Date.now() + minutesFromNow * 60_000),
  });

  it('refuses a second link with the same id, updates and finds it', async () => {
    expect(await links.insert(workspaceId, '5', 'https://example.org/b')).toBeNull();
    expect(await links.update(workspaceId, '5', 'https://example.org/b')).toMatchObject({
      url: 'https://example.org/b',
    });
    expect(await links.update(workspaceId, '6', 'https://example.org/b')).toBeNull();
    expect((await links.find(workspaceId, '5'))?.url).toBe('https://example.org/b');
    expect(await links.existing(workspaceId, ['5', '6'])).toEqual(['5']);
  });

  it('tells live codes from expired ones, and ends them with their link while keeping clicks', async () => {
    const live = code('live', 30);
    const expired = code('gone', -1);
    await links.insertCodes([live, expired]);
    const target = await links.target(live.code);
    expect(target).toEqual({
      workspaceId,
      linkId: '5',
      messageId: live.messageId,
      url: 'https://example.org/a',
      expired: false,
    });
    expect((await links.target(expired.code))?.expired).toBe(true);

    await links.insertClick(target!, 'agent');
    expect(await links.clicksOf(live.messageId, workspaceId)).toEqual([
      { linkId: '5', at: expect.any(Date), userAgent: 'agent' },
    ]);
    expect(await links.clicksOf(live.messageId, randomUUID())).toEqual([]);
    expect(await links.countClicks(workspaceId, new Date(Date.now() - 60_000).toISOString(), null)).toBe(1);

    expect(await links.delete(workspaceId, '5')).toBe(true);
    expect(await links.target(live.code)).toBeNull();
    expect(await links.clicksOf(live.messageId, workspaceId)).toHaveLength(1);
  });

  it('deletes codes expired longer ago than the retention, a batch at a time', async () => {
    const old = [code('old1', -31 * 1_440), code('old2', -32 * 1_440)];
    const recent = code('recent', -29 * 1_440);
    await links.insertCodes([...old, recent]);
    expect(await links.deleteExpired(30, 1)).toBe(1);
    expect(await links.deleteExpired(30, 10)).toBeGreaterThanOrEqual(1);
    expect(await links.target(old[0].code)).toBeNull();
    expect(await links.target(old[1].code)).toBeNull();
    expect((await links.target(recent.code))?.expired).toBe(true);
  });
});
