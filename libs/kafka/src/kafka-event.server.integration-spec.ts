import { Controller, DynamicModule, Inject, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { DeadLetterV1, PayloadInput, retryTopicOf, Topics, uuidv7 } from '@smsgate/contracts';
import { testLogger, TopicProbe, waitFor } from '@smsgate/testing';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { createKafka } from './create-kafka';
import { EventPublisher } from './event-publisher';
import { ConsumedBatch } from './consumed-batch';
import { KafkaEventServer } from './kafka-event.server';
import { Outcome, Outcomes } from './outcome';

const brokers = process.env.KAFKA_BROKERS!;
const topic = Topics.inboundReceived;

type Inbound = PayloadInput<typeof topic>;
type InboundEvent = ConsumedBatch<typeof topic>['events'][number];

interface Handled {
  id: string;
  text: string;
  attempt: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key?: string;
  at: number;
}

/**
 * What one test's handler does and saw. Events of other workspaces (other tests, earlier runs) are
 * acknowledged and otherwise ignored. `text` decides the outcome.
 */
class Scenario {
  constructor(
    readonly workspace = uuidv7(),
    readonly channel = uuidv7(),
  ) {}

  /** Events the handler returned an outcome for, in order. */
  readonly handled: Handled[] = [];
  /** This workspace's event ids in each handler call, including calls that threw. */
  readonly calls: string[][] = [];
  private readonly throws = new Map<string, number>();
  private releaseSlow?: () => void;
  readonly slowGate = new Promise<void>((resolve) => (this.releaseSlow = resolve));
  slowEntered = false;

  event(fields: Partial<Inbound> = {}): Inbound {
    return {
      id: uuidv7(),
      workspace: this.workspace,
      channel: this.channel,
      channelType: 'ex',
      from: '+254712345678',
      text: 'ok',
      receivedAt: new Date().toISOString(),
      ...fields,
    };
  }

  handledOf(id: string): Handled[] {
    return this.handled.filter((event) => event.id === id);
  }

  releaseSlowEvents(): void {
    this.releaseSlow?.();
  }

  async handle(events: InboundEvent[]): Promise<Outcome[]> {
    const mine = events.filter((event) => event.payload.workspace === this.workspace);
    this.calls.push(mine.map((event) => event.payload.id));
    if (mine.some((event) => event.payload.text === 'poison-batch')) throw new Error('poison in the batch');
    if (mine.some((event) => event.payload.text === 'rpc-error'))
      throw new RpcException('the channel is gone');
    for (const event of mine.filter((event) => event.payload.text === 'throw-twice')) {
      const failures = this.throws.get(event.payload.id) ?? 0;
      if (failures < 2) {
        this.throws.set(event.payload.id, failures + 1);
        throw new Error('the database blinked');
      }
    }
    if (mine.some((event) => event.payload.text === 'slow')) {
      this.slowEntered = true;
      await this.slowGate;
    }
    return events.map((event) =>
      event.payload.workspace === this.workspace ? this.decide(event) : Outcomes.done(),
    );
  }

  private decide(event: InboundEvent): Outcome {
    const { payload, attempt } = event;
    this.handled.push({
      id: payload.id,
      text: payload.text,
      attempt,
      topic: event.topic,
      partition: event.partition,
      offset: event.offset,
      timestamp: event.timestamp,
      key: event.key,
      at: Date.now(),
    });
    switch (payload.text) {
      case 'retry-once':
        return attempt === 1 ? Outcomes.retry('try again') : Outcomes.done();
      case 'always-retry':
        return Outcomes.retry('still failing');
      case 'dead':
        return Outcomes.deadLetter('rejected by the test');
      case 'skip':
        return Outcomes.skipped('not for us');
      default:
        return Outcomes.done();
    }
  }
}

const SCENARIO = Symbol('SCENARIO');

@Controller()
class InboundTestConsumer {
  constructor(@Inject(SCENARIO) private readonly scenario: Scenario) {}

  @EventPattern(Topics.inboundReceived)
  onInbound(@Payload() batch: ConsumedBatch<typeof Topics.inboundReceived>): Promise<Outcome[]> {
    return this.scenario.handle(batch.events);
  }
}

@Module({})
class InboundTestModule {
  static with(scenario: Scenario): DynamicModule {
    return {
      module: InboundTestModule,
      controllers: [InboundTestConsumer],
      providers: [{ provide: SCENARIO, useValue: scenario }],
    };
  }
}

const letterOf = (value: unknown) => value as DeadLetterV1;

describe('KafkaEventServer against Kafka', () => {
  let kafka: Kafka;
  let admin: Admin;
  let publisher: EventPublisher;
  let raw: Producer;
  let deadLetters: TopicProbe;
  const running: INestMicroservice[] = [];
  const probes: TopicProbe[] = [];
  const groups: string[] = [];

  /**
   * A fresh consumer group that starts at the end of the topic: the shared topic's history is not ours.
   * (admin.setOffsets would do, but its consumer idles through a 5 s fetch wait before it returns.)
   */
  const newGroup = async (): Promise<string> => {
    const groupId = `kafka-server-it-${uuidv7()}`;
    groups.push(groupId);
    const ends = await admin.fetchTopicOffsets(topic);
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    try {
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async () => undefined,
      });
      await waitFor(() => joined, { message: `${groupId} to be joined` });
      await consumer.commitOffsets(ends.map(({ partition, high }) => ({ topic, partition, offset: high })));
    } finally {
      await consumer.disconnect();
    }
    return groupId;
  };

  const start = async (
    groupId: string,
    scenario: Scenario,
    {
      sessionTimeoutMs,
      retryDelaysMs = [200, 400],
      fetchMinBytes,
      fetchMaxWaitMs,
    }: {
      sessionTimeoutMs?: number;
      retryDelaysMs?: number[];
      fetchMinBytes?: number;
      fetchMaxWaitMs?: number;
    } = {},
  ) => {
    const server = new KafkaEventServer(kafka, publisher, {
      groupId,
      retryDelaysMs,
      inPlaceRetryMs: 1_000,
      sessionTimeoutMs,
      fetchMinBytes,
      fetchMaxWaitMs,
    });
    const app = await NestFactory.createMicroservice(InboundTestModule.with(scenario), {
      strategy: server,
      logger: testLogger(),
    });
    running.push(app);
    await app.listen();
    await waitFor(() => server.isReady(), { message: `consumer group ${groupId} to be joined` });
    return { app, server };
  };

  /** A consumer of `scenario` in a group of its own, and a probe on that group's retry topics. */
  const startProbingRetries = async (scenario: Scenario) => {
    const groupId = await newGroup();
    const { server } = await start(groupId, scenario);
    const retries = await TopicProbe.start(brokers, server.retryTopics);
    probes.push(retries);
    return { groupId, retries };
  };

  const stop = async (app: INestMicroservice) => {
    running.splice(running.indexOf(app), 1);
    await app.close();
  };

  const publish = (scenario: Scenario, fields: Partial<Inbound>) => {
    const event = scenario.event(fields);
    return publisher.publish(topic, event, { key: scenario.channel }).then(() => event);
  };

  const waitHandled = (scenario: Scenario, id: string, count = 1) =>
    waitFor(() => scenario.handledOf(id).length >= count, { message: `event ${id} handled ${count}×` });

  const deadLetterOf = (groupId: string, predicate: (letter: DeadLetterV1) => boolean) =>
    deadLetters.waitFor(({ value }) => letterOf(value).group === groupId && predicate(letterOf(value)), {
      message: `a dead letter from ${groupId}`,
    });

  const committed = async (groupId: string, partition: number): Promise<bigint> => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const found = offsets.partitions.find((entry) => entry.partition === partition);
    return BigInt(found?.offset ?? '-1');
  };

  beforeAll(async () => {
    kafka = createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-event-server' });
    admin = kafka.admin();
    await admin.connect();
    raw = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await raw.connect();
    deadLetters = await TopicProbe.start(brokers, [Topics.deadLetter]);
  });

  // One publisher per test, as each service has its own: a producer that wrote to a retry topic deleted
  // afterwards would keep asking the broker for that topic's metadata, and stall.
  beforeEach(async () => {
    publisher = new EventPublisher(kafka);
    await publisher.connect();
  });

  afterEach(async () => {
    await Promise.all([
      ...running.splice(0).map((app) => app.close()),
      ...probes.splice(0).map((probe) => probe.stop()),
    ]);
    await publisher.disconnect();
    const done = groups.splice(0);
    if (done.length > 0) {
      await admin.deleteGroups(done.flatMap((groupId) => [groupId, `${groupId}.retry`]));
      await admin.deleteTopics({
        topics: done.flatMap((groupId) => [1, 2].map((attempt) => retryTopicOf(groupId, attempt))),
      });
    }
  });

  afterAll(async () => {
    await deadLetters.stop();
    await raw.disconnect();
    await admin.disconnect();
  });

  it('hands done events to the handler once and commits them: the group does not see them again', async () => {
    const groupId = await newGroup();
    const first = new Scenario();
    const { app } = await start(groupId, first);
    const events = await Promise.all(
      ['ok', 'ok', 'skip', 'ok', 'ok'].map((text) => publish(first, { text })),
    );
    for (const event of events) await waitHandled(first, event.id);
    await stop(app);

    expect(first.handled.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(first.handled.every((event) => event.attempt === 1 && event.key === first.channel)).toBe(true);
    const [{ partition }] = first.handled;
    expect(first.handled.every((event) => event.partition === partition)).toBe(true);
    const last = first.handled.map((event) => BigInt(event.offset)).reduce((a, b) => (a > b ? a : b));
    expect(await committed(groupId, partition)).toBe(last + 1n);

    // The same group again: a later event on the same partition arrives, the committed ones do not.
    const second = new Scenario(first.workspace, first.channel);
    await start(groupId, second);
    const marker = await publish(second, { text: 'ok' });
    await waitHandled(second, marker.id);
    expect(second.handled.map((event) => event.id)).toEqual([marker.id]);
  });

  it('retries an event through the retry topic after the delay, with attempt 2 and its first coordinates', async () => {
    const scenario = new Scenario();
    const { retries } = await startProbingRetries(scenario);

    const event = await publish(scenario, { text: 'retry-once' });
    await waitHandled(scenario, event.id, 2);

    const [first, second] = scenario.handledOf(event.id);
    expect([first.attempt, second.attempt]).toEqual([1, 2]);
    // 200 ms, jittered by up to -20 %.
    expect(second.at - first.at).toBeGreaterThanOrEqual(160);
    expect(second).toMatchObject({
      topic,
      partition: first.partition,
      offset: first.offset,
      timestamp: first.timestamp,
      key: scenario.channel,
    });
    // The Kafka timestamp of the original record, which the retried copy carries in a header.
    expect(Number(first.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(Number(first.timestamp)).toBeLessThanOrEqual(first.at);
    const retried = await retries.waitFor(({ key }) => key === scenario.channel);
    expect(retried.value).toEqual(event);
    expect(retried.headers).toMatchObject({
      'content-type': 'application/json',
      'x-smsgate-original-topic': topic,
      'x-smsgate-original-partition': String(first.partition),
      'x-smsgate-original-offset': first.offset,
      'x-smsgate-original-timestamp': first.timestamp,
      'x-smsgate-attempt': '2',
      'x-smsgate-last-error': 'try again',
    });
    // 200 ms, jittered by up to -20 %.
    expect(Number(retried.headers['x-smsgate-not-before'])).toBeGreaterThanOrEqual(first.at + 160);

    // Done at attempt 2: a later retry of the same key went through, and there was no third attempt.
    const marker = await publish(scenario, { text: 'retry-once' });
    await waitHandled(scenario, marker.id, 2);
    expect(scenario.handledOf(event.id)).toHaveLength(2);
  });

  it('dead-letters an event that still asks for a retry when its attempts run out', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    await start(groupId, scenario);

    const event = await publish(scenario, { text: 'always-retry' });
    const letter = letterOf((await deadLetterOf(groupId, (letter) => letter.value.includes(event.id))).value);

    const attempts = scenario.handledOf(event.id);
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(200);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(400);
    expect(letter).toMatchObject({
      group: groupId,
      sourceTopic: topic,
      partition: attempts[0].partition,
      offset: attempts[0].offset,
      key: scenario.channel,
      valueEncoding: 'utf8',
      headers: { 'content-type': 'application/json' },
      attempts: 3,
    });
    expect(letter.reason).toMatch(/^gave up after 3 attempts: still failing$/);
    expect(JSON.parse(letter.value)).toEqual(event);
    expect(Object.keys(letter.headers).filter((name) => name.startsWith('x-smsgate-'))).toEqual([]);
  });

  it("dead-letters an event with the handler's reason", async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    await start(groupId, scenario);

    const event = await publish(scenario, { text: 'dead' });
    const letter = letterOf((await deadLetterOf(groupId, (letter) => letter.value.includes(event.id))).value);

    const [handled] = scenario.handledOf(event.id);
    expect(letter).toMatchObject({
      sourceTopic: topic,
      partition: handled.partition,
      offset: handled.offset,
      key: scenario.channel,
      reason: 'rejected by the test',
      attempts: 1,
    });
    expect(JSON.parse(letter.value)).toEqual(event);
    expect(scenario.handledOf(event.id)).toHaveLength(1);
  });

  it('dead-letters an event whose text PostgreSQL could not store (NUL, a lone surrogate), before the handler sees it', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    await start(groupId, scenario);
    // As an internal app would publish them: JSON.stringify escapes both, so the bytes are valid UTF-8.
    const nul = { ...scenario.event({ text: 'in\u0000nul' }) };
    const surrogate = { ...scenario.event({ text: 'lone \ud83d' }) };
    await raw.send({
      topic,
      acks: -1,
      messages: [nul, surrogate].map((event) => ({ key: scenario.channel, value: JSON.stringify(event) })),
    });
    const marker = await publish(scenario, { text: 'ok' });
    await waitHandled(scenario, marker.id);

    for (const event of [nul, surrogate]) {
      const letter = letterOf((await deadLetterOf(groupId, (l) => l.value.includes(event.id))).value);
      expect(letter.reason).toMatch(
        /^invalid sms\.inbound\.received\.v1 payload: text: must not contain NUL/,
      );
      expect(JSON.parse(letter.value)).toEqual(event);
      expect(scenario.handledOf(event.id)).toHaveLength(0);
    }
  });

  it('dead-letters undecodable and schema-invalid events without calling the handler', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    await start(groupId, scenario);

    const token = uuidv7();
    const notJson = `{"id":"${token}", this is not JSON`;
    const invalid = { ...scenario.event({ text: 'ok' }), from: '', receivedAt: 'yesterday' };
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(token)]);
    await raw.send({
      topic,
      acks: -1,
      messages: [
        { key: scenario.channel, value: notJson, headers: { source: 'test' } },
        { key: scenario.channel, value: JSON.stringify(invalid) },
        { key: scenario.channel, value: binary },
      ],
    });
    // Same key, same partition, after them: once it was handled, so would they have been.
    const marker = await publish(scenario, { text: 'ok' });
    await waitHandled(scenario, marker.id);

    const jsonLetter = letterOf((await deadLetterOf(groupId, (letter) => letter.value === notJson)).value);
    expect(jsonLetter).toMatchObject({
      sourceTopic: topic,
      key: scenario.channel,
      valueEncoding: 'utf8',
      headers: { source: 'test' },
      attempts: 1,
    });
    expect(jsonLetter.reason).toMatch(/^invalid JSON/);

    const schemaLetter = letterOf(
      (await deadLetterOf(groupId, (letter) => letter.value.includes(invalid.id))).value,
    );
    expect(schemaLetter.reason).toMatch(/^invalid sms\.inbound\.received\.v1 payload: .*from.*receivedAt/s);
    expect(JSON.parse(schemaLetter.value)).toEqual(invalid);

    const binaryLetter = letterOf(
      (await deadLetterOf(groupId, (letter) => letter.value === binary.toString('base64'))).value,
    );
    expect(binaryLetter).toMatchObject({ valueEncoding: 'base64', attempts: 1 });
    expect(binaryLetter.reason).toMatch(/^invalid JSON/);

    const partition = scenario.handledOf(marker.id)[0].partition;
    expect([jsonLetter, schemaLetter, binaryLetter].map((letter) => letter.partition)).toEqual([
      partition,
      partition,
      partition,
    ]);
    expect(scenario.handled.map((event) => event.id)).toEqual([marker.id]);
    expect(scenario.calls.flat()).toEqual([marker.id]);
  });

  it('retries a throwing handler in place, without a round trip through the retry topic', async () => {
    const scenario = new Scenario();
    const { retries } = await startProbingRetries(scenario);

    const event = await publish(scenario, { text: 'throw-twice' });
    await waitHandled(scenario, event.id);
    const marker = await publish(scenario, { text: 'retry-once' });
    await waitHandled(scenario, marker.id, 2);
    await retries.waitFor(({ value }) => (value as Inbound).id === marker.id);

    expect(scenario.handledOf(event.id)).toMatchObject([{ attempt: 1 }]);
    expect(scenario.calls.filter((ids) => ids.includes(event.id))).toHaveLength(3);
    // Only the marker went through the retry topic.
    expect(retries.messages.map(({ value }) => (value as Inbound).id)).toEqual([marker.id]);
  });

  it('isolates a poison event so the rest of its partition moves on; the poison is dead-lettered', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    // Published before the consumer starts, so its first fetch hands them over as one batch.
    const poison = await publish(scenario, { text: 'poison-batch' });
    const good = await Promise.all(['ok', 'ok', 'ok', 'ok'].map((text) => publish(scenario, { text })));
    await start(groupId, scenario);

    for (const event of good) await waitHandled(scenario, event.id);
    const letter = letterOf(
      (await deadLetterOf(groupId, (letter) => letter.value.includes(poison.id))).value,
    );

    expect(scenario.calls[0]).toEqual([poison.id, ...good.map((event) => event.id)]);
    for (const event of good) expect(scenario.handledOf(event.id)).toMatchObject([{ attempt: 1 }]);
    expect(scenario.handledOf(poison.id)).toEqual([]);
    const [{ partition }] = scenario.handledOf(good[0].id);
    expect(letter).toMatchObject({ sourceTopic: topic, partition, key: scenario.channel, attempts: 3 });
    expect(BigInt(letter.offset)).toBeLessThan(BigInt(scenario.handledOf(good[0].id)[0].offset));
    // Nest's exception filter logs the error and hands back only its generic message.
    expect(letter.reason).toBe('gave up after 3 attempts: Internal server error');
  });

  it("takes the reason of a handler's RpcException into its retries and dead letter", async () => {
    const scenario = new Scenario();
    const { groupId, retries } = await startProbingRetries(scenario);

    const event = await publish(scenario, { text: 'rpc-error' });
    const letter = letterOf((await deadLetterOf(groupId, (letter) => letter.value.includes(event.id))).value);

    expect(letter).toMatchObject({ reason: 'gave up after 3 attempts: the channel is gone', attempts: 3 });
    await retries.waitFor(({ headers }) => headers['x-smsgate-attempt'] === '3');
    expect(retries.messages.map(({ headers }) => headers['x-smsgate-last-error'])).toEqual([
      'the channel is gone',
      'the channel is gone',
    ]);
  });

  it('close() lets the batch in hand finish and commits it', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    const { app } = await start(groupId, scenario);

    const event = await publish(scenario, { text: 'slow' });
    await waitFor(() => scenario.slowEntered, { message: 'the handler to take the slow event' });
    const closing = stop(app);
    scenario.releaseSlowEvents();
    await closing;

    const [handled] = scenario.handledOf(event.id);
    expect(handled).toBeDefined();
    expect(await committed(groupId, handled.partition)).toBe(BigInt(handled.offset) + 1n);
  });

  it('hands a record that comes after a quiet spell over at once, however long its fetches are tuned to wait for bytes', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    // Tuned to batch: wait up to 2 s for 10 MiB. Without the idle fetch each record below would wait
    // for the rest of a 2 s fetch (0-2 s, about 1 s on average); all four under 400 ms by chance: < 0.2%.
    await start(groupId, scenario, { fetchMinBytes: 10 * 1024 * 1024, fetchMaxWaitMs: 2_000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      // Quiet for longer than a tuned fetch waits: the last fetch came back empty.
      await new Promise((resolve) => setTimeout(resolve, 2_300 + 100 * i));
      const sent = Date.now();
      const event = await publish(scenario, { text: 'ok' });
      await waitHandled(scenario, event.id);
      waits.push(scenario.handledOf(event.id)[0].at - sent);
    }
    expect(waits.filter((wait) => wait < 400)).toEqual(waits);
  });

  it('keeps its group membership while a handler outlasts the session timeout: the event is handled once', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    // The broker's smallest allowed session (group.min.session.timeout.ms); the handler takes longer.
    const sessionTimeoutMs = 6_000;
    await start(groupId, scenario, { sessionTimeoutMs });

    const event = await publish(scenario, { text: 'slow' });
    await waitFor(() => scenario.slowEntered, { message: 'the handler to take the slow event' });
    const heldFor = sessionTimeoutMs * 1.5;
    await new Promise((resolve) => setTimeout(resolve, heldFor));
    scenario.releaseSlowEvents();
    await waitHandled(scenario, event.id);
    const [handled] = scenario.handledOf(event.id);
    await waitFor(async () => (await committed(groupId, handled.partition)) === BigInt(handled.offset) + 1n, {
      message: 'the slow event to be committed',
    });
    // Dropped from the group, the consumer's commit would fail and the event come back a second time.
    expect(scenario.calls.filter((ids) => ids.includes(event.id))).toHaveLength(1);
  }, 40_000);

  it('keeps a short retry from waiting behind a long one: each delay has its own topic', async () => {
    const groupId = await newGroup();
    const scenario = new Scenario();
    const longDelay = 6_000;
    const { server } = await start(groupId, scenario, { retryDelaysMs: [300, longDelay] });
    expect(server.retryTopics).toEqual([retryTopicOf(groupId, 1), retryTopicOf(groupId, 2)]);

    // Same key for both: with one retry topic they would share a partition, the later behind the earlier.
    const slow = await publish(scenario, { text: 'always-retry' });
    await waitHandled(scenario, slow.id, 2); // its second attempt failed too: now it waits ~6 s
    const quick = await publish(scenario, { text: 'retry-once' });
    await waitHandled(scenario, quick.id, 2);

    const slowThird = scenario.handledOf(slow.id)[2];
    const quickSecond = scenario.handledOf(quick.id)[1];
    expect(quickSecond.attempt).toBe(2);
    expect(slowThird === undefined || slowThird.at > quickSecond.at).toBe(true);
    await deadLetterOf(groupId, (letter) => letter.value.includes(slow.id));
  }, 30_000);
});
