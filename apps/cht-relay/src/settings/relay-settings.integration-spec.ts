import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { uuidv7 } from '@smsgate/contracts';
import {
  ChannelsRepository,
  ChtTargetsRepository,
  createDataSource,
  RapidProChannelsRepository,
} from '@smsgate/db';
import { loadConfig } from '@smsgate/runtime';
import { SECRETS_KEY } from '@smsgate/testing';
import { DataSource } from 'typeorm';
import { chtRelayEnv } from '../config';
import { RelaySettings, TargetInput } from './relay-settings';

/** Concurrent writes of one workspace's settings against real PostgreSQL. */
describe('RelaySettings races', () => {
  const config = loadConfig('cht-relay', chtRelayEnv, {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    SECRETS_KEY,
  });
  let db: DataSource;
  let settings: RelaySettings;

  const newWorkspace = async () => {
    const id = uuidv7();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [id, hashApiKey(generateApiKey())],
    );
    return id;
  };

  const target = (overrides: Partial<TargetInput> = {}): TargetInput => ({
    mode: 'rapidpro',
    url: 'https://cht.example.org',
    apiVersion: 'v2',
    secrets: { apiKey: 'incoming-key' },
    enabled: true,
    ...overrides,
  });

  beforeAll(async () => {
    db = await createDataSource({ url: config.DATABASE_URL }).initialize();
    settings = new RelaySettings(
      db,
      config,
      new ChtTargetsRepository(db),
      new RapidProChannelsRepository(db),
      new ChannelsRepository(db),
    );
  });

  afterAll(() => db?.destroy());

  it('a PUT racing a DELETE of the target always returns the target it saved', async () => {
    const workspaceId = await newWorkspace();
    for (let round = 0; round < 30; round++) {
      const [saved] = await Promise.all([
        settings.saveTarget(workspaceId, target(), 'apiKey'),
        settings.deleteTarget(workspaceId),
      ]);
      expect(saved).toMatchObject({ workspaceId, secretFields: ['apiKey'] });
    }
  });

  it('saves nothing (and keeps the stored target) when the mode needs a secret the request lacks', async () => {
    const workspaceId = await newWorkspace();
    await settings.saveTarget(workspaceId, target(), 'apiKey');
    const refused = await settings.saveTarget(
      workspaceId,
      target({ mode: 'gateway', username: 'gw', secrets: {} }),
      'password',
    );
    expect(refused).toBeUndefined();
    expect(await settings.target(workspaceId, true)).toMatchObject({
      mode: 'rapidpro',
      secretFields: ['apiKey'],
    });
  });

  it('keeps stored secrets the request does not repeat', async () => {
    const workspaceId = await newWorkspace();
    await settings.saveTarget(workspaceId, target(), 'apiKey');
    const saved = await settings.saveTarget(
      workspaceId,
      target({ secrets: {}, url: 'https://cht2.example.org' }),
      'apiKey',
    );
    expect(saved).toMatchObject({ url: 'https://cht2.example.org', secrets: { apiKey: 'incoming-key' } });
  });

  it('two workspaces racing for one RapidPro channel: one owns it, the other is refused, nothing is overwritten', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([newWorkspace(), newWorkspace()]);
      const uuid = uuidv7();
      const input = (url: string) => ({ uuid, rapidproUrl: url, inboundChannels: [], secrets: {} });
      const [savedA, savedB] = await Promise.all([
        settings.saveRapidProChannel(a, input('https://a.example.org')),
        settings.saveRapidProChannel(b, input('https://b.example.org')),
      ]);
      expect([savedA, savedB].filter(Boolean)).toHaveLength(1);
      const stored = await settings.rapidProChannel(uuid);
      const winner = savedA ?? savedB;
      expect(stored).toMatchObject({ workspaceId: winner?.workspaceId, rapidproUrl: winner?.rapidproUrl });
    }
  });
});
