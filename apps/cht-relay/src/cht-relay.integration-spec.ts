import { generateApiKey, hashApiKey } from '@smsgate/auth';
import { Topics, uuidv7 } from '@smsgate/contracts';
import {
  ChannelsRepository,
  ChtBroadcastsRepository,
  ChtLoopCountersRepository,
  ChtMessagesRepository,
  ChtTargetsRepository,
  createDataSource,
  RapidProChannelsRepository,
} from '@smsgate/db';
import { createKafka, EventPublisher } from '@smsgate/kafka';
import { loadConfig } from '@smsgate/runtime';
import { SECRETS_KEY, TopicProbe } from '@smsgate/testing';
import { DataSource } from 'typeorm';
import { chtRelayEnv } from './config';
import { LoopGuard } from './loops/loop-guard';
import { OutboundMessages } from './outbound/outbound-messages';
import { CreateBroadcastUseCase } from './rapidpro-api/create-broadcast.use-case';
import { RelaySettings } from './settings/relay-settings';

const brokers = process.env.KAFKA_BROKERS!;

/** The broadcast idempotency window and the loop guard against real PostgreSQL and Kafka. */
describe('cht-relay outbound', () => {
  const config = loadConfig('cht-relay', chtRelayEnv, {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: process.env.DATABASE_URL,
    SECRETS_KEY,
    CHT_IDEMPOTENCY_SECONDS: '600',
    LOOP_MAX_EXCHANGES: '2',
    LOOP_WINDOW_SECONDS: '3600',
  });
  let db: DataSource;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  let loops: LoopGuard;
  let broadcasts: CreateBroadcastUseCase;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createDataSource({ url: config.DATABASE_URL }).initialize();
    publisher = new EventPublisher(createKafka({ brokers: brokers.split(','), clientId: 'cht-relay-it' }));
    [probe] = await Promise.all([TopicProbe.start(brokers, [Topics.outboundRequested]), publisher.connect()]);
    loops = new LoopGuard(new ChtLoopCountersRepository(db), config);
    broadcasts = createBroadcastUseCase(db, loops);
  });

  beforeEach(async () => {
    workspaceId = uuidv7();
    const key = generateApiKey();
    await db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspaceId, hashApiKey(key)],
    );
  });

  afterAll(async () => {
    await Promise.all([probe?.stop(), publisher?.disconnect()]);
    await db?.destroy();
  });

  const createBroadcastUseCase = (dataSource: DataSource, loopGuard: LoopGuard) => {
    const messages = new ChtMessagesRepository(dataSource);
    return new CreateBroadcastUseCase(
      dataSource,
      new ChtBroadcastsRepository(),
      messages,
      new OutboundMessages(messages, publisher, loopGuard),
      new RelaySettings(
        dataSource,
        config,
        new ChtTargetsRepository(dataSource),
        new RapidProChannelsRepository(dataSource),
        new ChannelsRepository(dataSource),
      ),
      config,
    );
  };

  const age = (broadcastId: string, seconds: number) =>
    db.query(`UPDATE cht_broadcasts SET created_at = now() - make_interval(secs => $2) WHERE id = $1`, [
      broadcastId,
      seconds,
    ]);

  it('publishes each message of a broadcast once Kafka acknowledged, keyed by its id', async () => {
    const result = await broadcasts.execute({ workspaceId, urns: ['tel:+254712000901'], text: 'It works' });
    const [message] = result.messages;
    expect(message).toMatchObject({ published: true, status: 'accepted', urn: 'tel:+254712000901' });
    const event = await probe.waitFor((m) => m.key === message.message_id);
    expect(event.value).toMatchObject({
      id: message.message_id,
      workspace: workspaceId,
      to: '+254712000901',
      text: 'It works',
    });
  });

  it('answers a repeat within the window with the same broadcast, and a repeat after it with a new one', async () => {
    const command = { workspaceId, urns: ['tel:+254712000902'], text: 'Reminder' };
    const first = await broadcasts.execute(command);
    const repeat = await broadcasts.execute(command);
    expect(repeat.created).toBe(false);
    expect(repeat.broadcast.id).toBe(first.broadcast.id);
    await age(first.broadcast.id, 601);
    const later = await broadcasts.execute(command);
    expect(later.created).toBe(true);
    expect(later.broadcast.id).not.toBe(first.broadcast.id);
  });

  it('keeps an explicit idempotency key beyond the window, and tells different keys apart', async () => {
    const command = { workspaceId, urns: ['tel:+254712000903'], text: 'Keyed', idempotencyKey: 'k-1' };
    const first = await broadcasts.execute(command);
    await age(first.broadcast.id, 10_000);
    expect((await broadcasts.execute(command)).broadcast.id).toBe(first.broadcast.id);
    expect((await broadcasts.execute({ ...command, idempotencyKey: 'k-2' })).broadcast.id).not.toBe(
      first.broadcast.id,
    );
  });

  it('serves more concurrent broadcasts than it has pooled connections (no connection held while waiting for another)', async () => {
    const small = await createDataSource({ url: config.DATABASE_URL, poolSize: 2 }).initialize();
    try {
      const tight = createBroadcastUseCase(
        small,
        new LoopGuard(new ChtLoopCountersRepository(small), config),
      );
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          tight.execute({ workspaceId, urns: [`tel:+25471200091${i}`], text: `Pool ${i}` }),
        ),
      );
      expect(results.every((result) => result.created && result.messages[0].published)).toBe(true);
    } finally {
      await small.destroy();
    }
  });

  it('calls more than LOOP_MAX_EXCHANGES identical messages in the window a loop, and starts again after it', async () => {
    const exchange = { workspaceId, address: '+254712000904', direction: 'in' as const, text: 'Auto reply' };
    expect(await loops.isLoop(exchange)).toBe(false);
    expect(await loops.isLoop({ ...exchange, text: '  AUTO REPLY ' })).toBe(false);
    expect(await loops.isLoop(exchange)).toBe(true);
    expect(await loops.isLoop({ ...exchange, direction: 'out' })).toBe(false);
    expect(await loops.isLoop({ ...exchange, text: 'Something else' })).toBe(false);
    await db.query(
      `UPDATE cht_loop_counters SET window_start = now() - interval '2 hours' WHERE workspace_id = $1`,
      [workspaceId],
    );
    expect(await loops.isLoop(exchange)).toBe(false);
  });
});
