import { NotFoundException } from '@nestjs/common';
import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { uuidv7 } from '@smsgate/contracts';
import { ChannelsRepository, createDataSource, OptOutsRepository } from '@smsgate/db';
import { SECRETS_KEY } from '@smsgate/testing';
import { DataSource } from 'typeorm';
import type { IngressConfig } from '../config';
import { ChannelsService } from './channels.service';
import { OptOutsQuery } from './opt-outs.query';

/** Edits of one channel racing each other, against real PostgreSQL. */
describe('ChannelsService races', () => {
  let db: DataSource;
  let channels: ChannelsService;
  let repository: ChannelsRepository;
  let optOuts: OptOutsRepository;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL! }).initialize();
    const config = {
      SECRETS_KEY,
      EGRESS_ALLOW: [],
      publicUrl: 'https://sms.example.org',
    } as unknown as IngressConfig;
    repository = new ChannelsRepository(db);
    optOuts = new OptOutsRepository(db);
    channels = new ChannelsService(repository, config, optOuts);
  });

  beforeEach(async () => {
    workspaceId = uuidv7();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, hashApiKey(generateApiKey())],
    );
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(() => db?.destroy());

  const create = () =>
    channels.create(workspaceId, {
      type: 'ex',
      name: 'race',
      config: { send_url: 'https://aggregator.example/send' },
      enabled: true,
    });

  it('a PATCH whose channel is deleted after it was read answers 404 and does not bring it back', async () => {
    const { uuid } = await create();
    const findOwned = repository.findOwned.bind(repository);
    // The DELETE lands between the PATCH's read and its write.
    jest.spyOn(repository, 'findOwned').mockImplementationOnce(async (workspace, id) => {
      const row = await findOwned(workspace, id);
      await channels.remove(workspaceId, uuid);
      return row;
    });
    await expect(channels.update(workspaceId, uuid, { name: 'renamed' })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    const [row] = await db.query<{ deleted_at: Date | null; name: string }[]>(
      `SELECT deleted_at, name FROM channels WHERE id = $1`,
      [uuid],
    );
    expect(row).toMatchObject({ name: 'race', deleted_at: expect.any(Date) });
  });

  it('of two DELETEs racing, one answers and the other is a 404', async () => {
    const { uuid } = await create();
    const results = await Promise.allSettled([
      channels.remove(workspaceId, uuid),
      channels.remove(workspaceId, uuid),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(NotFoundException);
  });

  it('PATCHes racing DELETEs never fail otherwise, and a deleted channel stays deleted', async () => {
    for (let round = 0; round < 10; round++) {
      const { uuid } = await create();
      const [patched, removed] = await Promise.allSettled([
        channels.update(workspaceId, uuid, { name: `round ${round}` }),
        channels.remove(workspaceId, uuid),
      ]);
      if (patched.status === 'rejected') expect(patched.reason).toBeInstanceOf(NotFoundException);
      expect(removed.status).toBe('fulfilled');
      const [row] = await db.query<{ deleted_at: Date | null }[]>(
        `SELECT deleted_at FROM channels WHERE id = $1`,
        [uuid],
      );
      expect(row.deleted_at).toBeInstanceOf(Date);
    }
  });

  it('a PATCH that changes nothing answers the channel', async () => {
    const { uuid } = await create();
    await expect(channels.update(workspaceId, uuid, {})).resolves.toMatchObject({ uuid, name: 'race' });
  });

  it("lists a channel's opt-outs newest first, a page at a time, and only to its workspace", async () => {
    const { uuid } = await create();
    const other = await create();
    // Three stops a microsecond apart (a Date would round two of them together), and two at one instant.
    const stops: [string, string][] = [
      ['+254700000001', '2026-12-05 09:00:00.000001+00'],
      ['+254700000002', '2026-12-05 09:00:00.000002+00'],
      ['+254700000003', '2026-12-05 09:00:00.000003+00'],
      ['+254700000004', '2026-12-05 08:00:00+00'],
      ['+254700000005', '2026-12-05 08:00:00+00'],
    ];
    for (const [address, at] of stops)
      await db.query(`INSERT INTO opt_outs (channel_id, address, stopped_at) VALUES ($1, $2, $3)`, [
        uuid,
        address,
        at,
      ]);
    await optOuts.stop(other.uuid, '+254700000009');
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const after = cursor === undefined ? undefined : OptOutsQuery.parse({ cursor }).cursor;
      const page = await channels.optOuts(workspaceId, uuid, after, 2);
      pages.push(page.results.map((row) => row.address));
      cursor = page.next ?? undefined;
      if (pages.length === 1) {
        expect(page.results[0]).toEqual({ address: '+254700000003', stoppedAt: '2026-12-05T09:00:00.000Z' });
        expect(page.next).not.toBeNull();
      }
    } while (cursor !== undefined && pages.length < 5);
    expect(pages).toEqual([
      ['+254700000003', '+254700000002'],
      ['+254700000001', '+254700000005'],
      ['+254700000004'],
    ]);
    // The latest stop renews it: first again.
    await optOuts.stop(uuid, '+254700000004');
    expect((await channels.optOuts(workspaceId, uuid, undefined, 1)).results[0].address).toBe(
      '+254700000004',
    );
    await expect(channels.optOuts(uuidv7(), uuid, undefined, 2)).rejects.toBeInstanceOf(NotFoundException);
  });
});
