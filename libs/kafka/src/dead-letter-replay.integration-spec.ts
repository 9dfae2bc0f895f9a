import { DeadLetterV1, Topics, uuidv7 } from '@smsgate/contracts';
import { TopicProbe, waitFor } from '@smsgate/testing';
import { Kafka } from 'kafkajs';
import { createKafka } from './create-kafka';
import { REPLAYED_FROM_HEADER, replayDeadLetters } from './dead-letter-replay';
import { main } from './dlq-replay';
import { ensureTopics } from './ensure-topics';
import { EventPublisher } from './event-publisher';

const brokers = process.env.KAFKA_BROKERS!;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('dead-letter replay against Kafka', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;
  let probe: TopicProbe;
  // Each run replays into topics of its own, so nothing else reads what it publishes.
  const source = `test.replay.${uuidv7()}`;
  const other = `test.replay.${uuidv7()}`;
  const binary = Buffer.from([0xff, 0x00, 0xfe, 0x01]);

  const letter = (fields: Partial<DeadLetterV1>): DeadLetterV1 => ({
    id: uuidv7(),
    group: 'dispatcher',
    sourceTopic: source,
    partition: 0,
    offset: '7',
    value: '{"id":"x"}',
    valueEncoding: 'utf8',
    headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
    reason: 'send failed on attempt 6: 503 from aggregator',
    attempts: 6,
    failedAt: new Date().toISOString(),
    ...fields,
  });

  const letters = {
    first: letter({ key: 'k1', value: '{"n":1}' }),
    second: letter({ key: 'k2', value: binary.toString('base64'), valueEncoding: 'base64' }),
    otherGroup: letter({ group: 'dlr-tracker', value: '{"n":3}', reason: 'invalid payload' }),
    old: letter({ value: '{"n":4}', failedAt: '2020-01-01T00:00:00.000Z' }),
    otherTopic: letter({ sourceTopic: other, value: '{"n":5}' }),
  };

  beforeAll(async () => {
    kafka = createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-replay' });
    await ensureTopics(kafka, [
      { topic: source, numPartitions: 2 },
      { topic: other, numPartitions: 1 },
    ]);
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    probe = await TopicProbe.start(brokers, [source, other]);
    await Promise.all(
      Object.values(letters).map((l) => publisher.publish(Topics.deadLetter, l, { key: l.sourceTopic })),
    );
  });

  afterAll(async () => {
    await Promise.all([publisher?.disconnect(), probe?.stop()]);
  });

  const since = new Date(Date.now() - 60_000);

  it('a dry run lists the matching letters and publishes nothing', async () => {
    const report = await replayDeadLetters(kafka, undefined, {
      dryRun: true,
      filter: { sourceTopic: source, group: 'dispatcher', since },
    });
    expect(report.dryRun).toBe(true);
    expect(report.replayed).toBe(0);
    expect(report.matched.map((m) => m.id).sort()).toEqual([letters.first.id, letters.second.id].sort());
    expect(report.scanned).toBeGreaterThanOrEqual(Object.keys(letters).length);
    expect(probe.messages).toEqual([]);
  });

  it('republishes exactly the matching originals, with key, bytes and headers, to their topic', async () => {
    const report = await replayDeadLetters(kafka, publisher, {
      filter: { sourceTopic: source, group: 'dispatcher', reason: /503/, since },
    });
    expect(report.replayed).toBe(2);
    await waitFor(() => probe.messages.length >= 2, { message: 'two replayed records' });
    const replayed = probe.find((m) => m.topic === source);
    const byKey = Object.fromEntries(replayed.map((m) => [m.key, m]));
    expect(byKey.k1.value).toEqual({ n: 1 });
    expect(byKey.k1.headers).toMatchObject({
      traceparent: TRACEPARENT,
      'content-type': 'application/json',
      [REPLAYED_FROM_HEADER]: letters.first.id,
    });
    expect(byKey.k2.headers[REPLAYED_FROM_HEADER]).toBe(letters.second.id);
    expect(Buffer.from(byKey.k2.value as string, 'latin1')).toHaveLength(binary.length);
    expect(replayed).toHaveLength(2);
    expect(probe.find((m) => m.topic === other)).toEqual([]);
  });

  it('the command line replays by id, limits, and refuses bad options with a usage line', async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['--since', 'yesterday-ish'])).toBe(64);
      expect(await main(['--limit', '0'])).toBe(64);
      expect(stderr.mock.calls.flat().join('')).toContain('--since must be an ISO 8601 time');
      expect(await main(['--id', letters.otherTopic.id, '--id', letters.old.id, '--limit', '1'])).toBe(0);
      const report = JSON.parse(String(stdout.mock.calls.at(-1)?.[0])) as { matched: { id: string }[] };
      // The two letters may sit on different partitions of the dead-letter topic: either may come first.
      expect(report.matched).toHaveLength(1);
      const [only] = report.matched;
      expect([letters.otherTopic.id, letters.old.id]).toContain(only.id);
      const topic = only.id === letters.otherTopic.id ? other : source;
      await waitFor(() => probe.find((m) => m.headers[REPLAYED_FROM_HEADER] === only.id).length === 1, {
        message: 'the record replayed by id',
      });
      expect(probe.find((m) => m.headers[REPLAYED_FROM_HEADER] === only.id)[0].topic).toBe(topic);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
