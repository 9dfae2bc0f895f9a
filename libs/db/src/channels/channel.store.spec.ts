import type { ChannelRecord, ChannelsRepository } from '../repositories/channels.repository';
import { SecretBox } from '../secret-box';
import { ChannelCache, ChannelStore, oncePerRead, StoredChannel } from './channel.store';

const KEY = Buffer.alloc(32, 7).toString('base64');
const ID = '0190a5c6-0000-7000-8000-0000000000c1';

/** The least a cache may be: a map, nothing expires. */
class MapCache implements ChannelCache {
  readonly entries = new Map<string, StoredChannel | null>();
  async get(id: string, load: () => Promise<StoredChannel | null>) {
    if (!this.entries.has(id)) this.entries.set(id, await load());
    return this.entries.get(id)!;
  }
  set(id: string, channel: StoredChannel | null) {
    this.entries.set(id, channel);
  }
  delete(id: string) {
    this.entries.delete(id);
  }
}

const record = (fields: Partial<ChannelRecord> = {}): ChannelRecord => ({
  id: ID,
  workspaceId: '0190a5c6-0000-7000-8000-000000000001',
  type: 'smpp',
  name: 'c',
  address: null,
  country: 'KE',
  config: {},
  secrets: new SecretBox(KEY).seal({ password: 'pw' }),
  secretFields: ['password'],
  enabled: true,
  createdAt: new Date(),
  updatedAt: new Date(),
  deletedAt: null,
  ...fields,
});

function setUp(rows: ChannelRecord[], options: { includeDeleted?: boolean } = {}) {
  const repository = {
    findById: jest.fn(async (id: string) => rows.find((row) => row.id === id) ?? null),
    listEnabledOfType: jest.fn(async () => rows),
  };
  const cache = new MapCache();
  const store = new ChannelStore(repository as unknown as ChannelsRepository, {
    secretsKey: KEY,
    cache,
    ...options,
  });
  return { store, repository, cache };
}

describe('ChannelStore', () => {
  it('reads a channel once, its secrets opened, and again after forget', async () => {
    const { store, repository } = setUp([record()]);
    expect(await store.get(ID)).toMatchObject({ id: ID, opened: { password: 'pw' } });
    await store.get(ID);
    expect(repository.findById).toHaveBeenCalledTimes(1);
    store.forget(ID);
    await store.get(ID);
    expect(repository.findById).toHaveBeenCalledTimes(2);
  });

  it('answers null without a query for an id that is not a UUID, and caches "none"', async () => {
    const { store, repository } = setUp([]);
    expect(await store.get('not-a-uuid')).toBeNull();
    expect(repository.findById).not.toHaveBeenCalled();
    expect(await store.get(ID)).toBeNull();
    expect(await store.get(ID)).toBeNull();
    expect(repository.findById).toHaveBeenCalledTimes(1);
  });

  it('finds a deleted channel only when told to', async () => {
    const deleted = record({ deletedAt: new Date() });
    expect(await setUp([deleted]).store.get(ID)).toBeNull();
    expect(await setUp([deleted], { includeDeleted: true }).store.get(ID)).toMatchObject({ country: 'KE' });
  });

  it('gives the error for secrets sealed with another key, instead of throwing', async () => {
    const foreign = record({
      secrets: new SecretBox(Buffer.alloc(32, 8).toString('base64')).seal({ a: 'b' }),
    });
    const channel = await setUp([foreign]).store.get(ID);
    expect(channel?.opened).toBeInstanceOf(Error);
  });

  it('lists enabled channels of a type and caches each for get', async () => {
    const { store, repository } = setUp([record()]);
    expect(await store.listEnabled('smpp')).toHaveLength(1);
    expect(repository.listEnabledOfType).toHaveBeenCalledWith('smpp');
    expect(await store.get(ID)).toMatchObject({ id: ID });
    expect(repository.findById).not.toHaveBeenCalled();
  });

  it('seals secrets with their sorted names, and opens them again', () => {
    const { store } = setUp([]);
    const sealed = store.seal({ b: '2', a: '1' });
    expect(sealed.secretFields).toEqual(['a', 'b']);
    expect(store.open(sealed)).toEqual({ a: '1', b: '2' });
    expect(store.seal({})).toEqual({ secrets: null, secretFields: [] });
    expect(store.open({ secrets: null })).toEqual({});
  });
});

describe('oncePerRead', () => {
  it('builds a view once per channel read, again for a new read', async () => {
    const { store } = setUp([record()]);
    const build = jest.fn((channel: StoredChannel) => ({ name: channel.name }));
    const view = oncePerRead(build);
    const first = await store.get(ID);
    expect(view(first!)).toEqual({ name: 'c' });
    expect(view((await store.get(ID))!)).toBe(view(first!));
    expect(build).toHaveBeenCalledTimes(1);
    store.forget(ID);
    view((await store.get(ID))!);
    expect(build).toHaveBeenCalledTimes(2);
  });
});
