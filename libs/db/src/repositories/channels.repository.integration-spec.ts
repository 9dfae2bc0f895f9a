import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { ChannelsRepository, NewChannel } from './channels.repository';

/** The channel SQL against real PostgreSQL, where TypeORM's entity API did the same before. */
describe('ChannelsRepository', () => {
  let db: DataSource;
  let channels: ChannelsRepository;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize();
    channels = new ChannelsRepository(db);
  });

  beforeEach(async () => {
    workspaceId = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, randomUUID()],
    );
  });

  afterAll(() => db?.destroy());

  const newChannel = (fields: Partial<NewChannel> = {}): NewChannel => ({
    id: randomUUID(),
    workspaceId,
    type: 'ex',
    name: 'one',
    address: '+254700000001',
    country: 'KE',
    config: { send_url: 'https://aggregator.example/send', nested: { a: [1, 2] } },
    secrets: 'sealed',
    secretFields: ['token'],
    enabled: true,
    ...fields,
  });

  it('inserts and reads back every column', async () => {
    const input = newChannel();
    const inserted = await channels.insert(input);
    expect(inserted).toMatchObject({ ...input, deletedAt: null });
    expect(inserted.createdAt).toBeInstanceOf(Date);
    expect(await channels.findOwned(workspaceId, input.id)).toEqual(inserted);
    expect(await channels.findById(input.id)).toEqual(inserted);
    expect(await channels.listByWorkspace(workspaceId)).toEqual([inserted]);
  });

  it('updates the given fields only: null clears, absent keeps', async () => {
    const input = newChannel();
    await channels.insert(input);
    expect(
      await channels.update(workspaceId, input.id, {
        name: 'two',
        address: null,
        config: { method: 'GET' },
        secrets: null,
        secretFields: [],
        enabled: false,
      }),
    ).toBe(true);
    expect(await channels.findOwned(workspaceId, input.id)).toMatchObject({
      name: 'two',
      address: null,
      country: 'KE',
      config: { method: 'GET' },
      secrets: null,
      secretFields: [],
      enabled: false,
    });
    await channels.update(workspaceId, input.id, { secrets: 'resealed', secretFields: ['a', 'b'] });
    expect(await channels.findOwned(workspaceId, input.id)).toMatchObject({
      name: 'two',
      secrets: 'resealed',
      secretFields: ['a', 'b'],
    });
  });

  it("touches no other workspace's channel and no deleted one", async () => {
    const input = newChannel();
    await channels.insert(input);
    expect(await channels.update(randomUUID(), input.id, { name: 'x' })).toBe(false);
    expect(await channels.ownedIds(randomUUID(), [input.id])).toEqual([]);
    expect(await channels.ownedIds(workspaceId, [input.id, randomUUID()])).toEqual([input.id]);
    expect(await channels.softDelete(workspaceId, input.id)).toBe(true);
    expect(await channels.softDelete(workspaceId, input.id)).toBe(false);
    expect(await channels.update(workspaceId, input.id, { name: 'x' })).toBe(false);
    expect(await channels.findOwned(workspaceId, input.id)).toBeNull();
    expect(await channels.listByWorkspace(workspaceId)).toEqual([]);
    expect(await channels.ownedIds(workspaceId, [input.id])).toEqual([]);
    expect((await channels.findById(input.id))?.deletedAt).toBeInstanceOf(Date);
  });

  it('lists the enabled, not deleted channels of a type', async () => {
    const smpp = newChannel({ type: 'smpp', config: {} });
    await channels.insert(smpp);
    await channels.insert(newChannel({ type: 'smpp', enabled: false }));
    const listed = await channels.listEnabledOfType('smpp');
    expect(listed.map((channel) => channel.id)).toContain(smpp.id);
    expect(listed.every((channel) => channel.type === 'smpp' && channel.enabled && !channel.deletedAt)).toBe(
      true,
    );
  });
});
