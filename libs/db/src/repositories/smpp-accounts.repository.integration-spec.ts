import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { ChannelsRepository } from './channels.repository';
import { NewSmppAccount, SmppAccountsRepository, SYSTEM_ID_TAKEN } from './smpp-accounts.repository';

/** SMPP accounts against real PostgreSQL: the SQL, and the constraints behind the admin API's checks. */
describe('SmppAccountsRepository', () => {
  let db: DataSource;
  let accounts: SmppAccountsRepository;
  let channels: ChannelsRepository;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize();
    accounts = new SmppAccountsRepository(db);
    channels = new ChannelsRepository(db);
  });

  beforeEach(async () => {
    workspaceId = await newWorkspace();
  });

  afterAll(() => db?.destroy());

  async function newWorkspace(): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [id, randomUUID()],
    );
    return id;
  }

  async function newChannel(): Promise<string> {
    const channel = await channels.insert({
      id: randomUUID(),
      workspaceId,
      type: 'smpp',
      name: 'smsc',
      address: null,
      country: null,
      config: {},
      secrets: null,
      secretFields: [],
      enabled: true,
    });
    return channel.id;
  }

  // system_ids are unique across the database and at most 15 characters.
  const systemId = () => `it${randomUUID().replace(/-/g, '').slice(0, 13)}`;

  const newAccount = (fields: Partial<NewSmppAccount> = {}): NewSmppAccount => ({
    id: randomUUID(),
    workspaceId,
    systemId: systemId(),
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    bindModes: ['transmitter', 'receiver'],
    maxBinds: 2,
    allowedSources: ['SMSGATE', '+254700000001'],
    tps: 12.5,
    channelId: null,
    inboundAddresses: [],
    inboundChannelIds: [],
    enabled: true,
    ...fields,
  });

  it('creates and reads back every column, the password hash only by system_id', async () => {
    const channelId = await newChannel();
    const input = newAccount({ channelId, inboundAddresses: ['22141'], inboundChannelIds: [channelId] });
    const created = await accounts.create(input);
    const { passwordHash, ...record } = input;
    expect(created).toEqual({ ...record, createdAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect(created).not.toHaveProperty('passwordHash');
    expect(await accounts.get(workspaceId, input.id)).toEqual(created);
    expect(await accounts.listByWorkspace(workspaceId)).toEqual([created]);
    expect(await accounts.findBySystemId(input.systemId)).toEqual({ ...created, passwordHash });
    expect(await accounts.findBySystemId(input.systemId.toUpperCase())).toBeUndefined();
  });

  it('keeps a null tps and channel, and no sources', async () => {
    const input = newAccount({ tps: null, allowedSources: [], bindModes: ['transceiver'] });
    await accounts.create(input);
    expect(await accounts.get(workspaceId, input.id)).toMatchObject({
      tps: null,
      channelId: null,
      allowedSources: [],
      bindModes: ['transceiver'],
    });
  });

  it('refuses a system_id another account has, in any workspace', async () => {
    const first = newAccount();
    await accounts.create(first);
    const otherWorkspace = await newWorkspace();
    const second = newAccount({ workspaceId: otherWorkspace, systemId: first.systemId });
    expect(await accounts.create(second)).toBeUndefined();
    expect(await accounts.get(otherWorkspace, second.id)).toBeUndefined();
    expect((await accounts.findBySystemId(first.systemId))?.id).toBe(first.id);
  });

  it('updates the given fields only: null clears, absent keeps', async () => {
    const channelId = await newChannel();
    const input = newAccount({ channelId });
    const created = (await accounts.create(input))!;
    const renamed = systemId();
    const updated = await accounts.update(workspaceId, input.id, {
      systemId: renamed,
      bindModes: ['transceiver'],
      maxBinds: 7,
      allowedSources: [],
      tps: null,
      channelId: null,
      enabled: false,
    });
    expect(updated).toEqual({
      ...created,
      systemId: renamed,
      bindModes: ['transceiver'],
      maxBinds: 7,
      allowedSources: [],
      tps: null,
      channelId: null,
      enabled: false,
      updatedAt: expect.any(Date),
    });
    expect(await accounts.update(workspaceId, input.id, { tps: 0.5, channelId })).toMatchObject({
      systemId: renamed,
      maxBinds: 7,
      tps: 0.5,
      channelId,
      enabled: false,
    });
    expect(await accounts.update(workspaceId, input.id, {})).toMatchObject({ systemId: renamed, tps: 0.5 });
    expect((await accounts.findBySystemId(renamed))?.passwordHash).toBe(input.passwordHash);
    expect(await accounts.findBySystemId(input.systemId)).toBeUndefined();
  });

  it('tells a system_id taken by another account on update, and changes nothing', async () => {
    const taken = newAccount();
    const input = newAccount();
    await accounts.create(taken);
    await accounts.create(input);
    expect(await accounts.update(workspaceId, input.id, { systemId: taken.systemId, maxBinds: 9 })).toBe(
      SYSTEM_ID_TAKEN,
    );
    expect(await accounts.get(workspaceId, input.id)).toMatchObject({
      systemId: input.systemId,
      maxBinds: input.maxBinds,
    });
    expect(await accounts.update(workspaceId, input.id, { systemId: input.systemId })).toMatchObject({
      systemId: input.systemId,
    });
  });

  it('replaces the password hash', async () => {
    const input = newAccount();
    await accounts.create(input);
    expect(await accounts.setPassword(workspaceId, input.id, 'scrypt$16384$8$1$salt$other')).toBe(
      input.systemId,
    );
    expect((await accounts.findBySystemId(input.systemId))?.passwordHash).toBe('scrypt$16384$8$1$salt$other');
  });

  it("touches no other workspace's account", async () => {
    const input = newAccount();
    await accounts.create(input);
    const other = await newWorkspace();
    expect(await accounts.get(other, input.id)).toBeUndefined();
    expect(await accounts.listByWorkspace(other)).toEqual([]);
    expect(await accounts.update(other, input.id, { enabled: false })).toBeUndefined();
    expect(await accounts.setPassword(other, input.id, 'x')).toBeUndefined();
    expect(await accounts.delete(other, input.id)).toBe(false);
    expect(await accounts.get(workspaceId, input.id)).toMatchObject({
      enabled: true,
      systemId: input.systemId,
    });
    expect((await accounts.findBySystemId(input.systemId))?.passwordHash).toBe(input.passwordHash);
  });

  it('deletes, once, and frees the system_id', async () => {
    const input = newAccount();
    await accounts.create(input);
    expect(await accounts.delete(workspaceId, input.id)).toBe(true);
    expect(await accounts.delete(workspaceId, input.id)).toBe(false);
    expect(await accounts.get(workspaceId, input.id)).toBeUndefined();
    expect(await accounts.findBySystemId(input.systemId)).toBeUndefined();
    expect(await accounts.create(newAccount({ systemId: input.systemId }))).toBeDefined();
  });

  it('reads a deleted channel as none: the account falls back to the routes', async () => {
    const channelId = await newChannel();
    const input = newAccount({ channelId });
    await accounts.create(input);
    await channels.softDelete(workspaceId, channelId);
    expect((await accounts.get(workspaceId, input.id))?.channelId).toBeNull();
    expect((await accounts.findBySystemId(input.systemId))?.channelId).toBeNull();
    await db.query(`DELETE FROM channels WHERE id = $1`, [channelId]);
    expect(
      (await db.query(`SELECT channel_id FROM smpp_accounts WHERE id = $1`, [input.id]))[0].channel_id,
    ).toBeNull();
  });

  it('updates the inbound routing', async () => {
    const channelId = await newChannel();
    const input = newAccount();
    await accounts.create(input);
    expect(
      await accounts.update(workspaceId, input.id, {
        inboundAddresses: ['+254700000009'],
        inboundChannelIds: [channelId],
      }),
    ).toMatchObject({ inboundAddresses: ['+254700000009'], inboundChannelIds: [channelId] });
    expect(await accounts.update(workspaceId, input.id, { inboundChannelIds: [] })).toMatchObject({
      inboundAddresses: ['+254700000009'],
      inboundChannelIds: [],
    });
  });

  it('routes inbound messages by address (with or without +) or channel, in their workspace, to every claimant', async () => {
    const channelId = await newChannel();
    const otherChannel = await newChannel();
    const byAddress = newAccount({ inboundAddresses: ['+254700000009'], bindModes: ['receiver'] });
    const byChannel = newAccount({ inboundChannelIds: [channelId], bindModes: ['transceiver'] });
    const alsoByAddress = newAccount({ inboundAddresses: ['254700000009'] });
    const transmitterOnly = newAccount({ inboundAddresses: ['254700000009'], bindModes: ['transmitter'] });
    const disabled = newAccount({ inboundAddresses: ['254700000009'], enabled: false });
    for (const account of [byAddress, byChannel, alsoByAddress, transmitterOnly, disabled]) {
      await accounts.create(account);
    }
    const otherWorkspace = await newWorkspace();
    const routes = await accounts.inboundRoutes([
      { workspaceId, channelId: otherChannel, to: '254700000009' },
      { workspaceId, channelId, to: '+254700000009' },
      { workspaceId, channelId },
      { workspaceId, channelId: otherChannel, to: '22141' },
      { workspaceId: otherWorkspace, channelId, to: '254700000009' },
    ]);
    const sorted = (ids: string[]) => [...ids].sort();
    expect(routes.map(sorted)).toEqual([
      sorted([byAddress.id, alsoByAddress.id]),
      sorted([byAddress.id, alsoByAddress.id, byChannel.id]),
      [byChannel.id],
      [],
      [],
    ]);
  });

  it('goes with its workspace', async () => {
    const input = newAccount();
    await accounts.create(input);
    await db.query(`DELETE FROM workspaces WHERE id = $1`, [workspaceId]);
    expect(await accounts.findBySystemId(input.systemId)).toBeUndefined();
  });

  it.each<[string, Partial<NewSmppAccount>]>([
    ['a system_id longer than 15', { systemId: 'a'.repeat(16) }],
    ['an empty system_id', { systemId: '' }],
    ['a system_id with a space', { systemId: 'my account' }],
    ['a system_id that is not ASCII', { systemId: 'compte-é' }],
    ['no bind mode', { bindModes: [] }],
    ['a bind mode that is not one', { bindModes: ['outbind' as never] }],
    ['max_binds of 0', { maxBinds: 0 }],
    ['max_binds over 100', { maxBinds: 101 }],
    ['a tps of 0', { tps: 0 }],
  ])('refuses %s in the schema too', async (_label, fields) => {
    await expect(accounts.create(newAccount(fields))).rejects.toMatchObject({
      driverError: { code: '23514' },
    });
  });
});
