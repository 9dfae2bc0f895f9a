import { uuidv7 } from '@smsgate/contracts';
import { waitFor } from '@smsgate/testing';
import { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka } from './create-kafka';

const brokers = process.env.KAFKA_BROKERS!;

/**
 * The idle-aware fetch (idle-fetch.ts, installed by createKafka) against a real broker, where kafkajs
 * does more inside fetch than fetch: it re-joins the group when the topic's metadata changed.
 */
describe('idle-aware fetch against Kafka', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-idle-fetch' });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('keeps consuming when its topic gains partitions while it idles: the group re-joins once', async () => {
    const topic = `test.idle-fetch.${uuidv7()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    // Tuned to batch, and reading metadata every second so that the new partitions are seen soon.
    const consumer = kafka.consumer({
      groupId: `test-idle-fetch-${uuidv7()}`,
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 100,
      metadataMaxAge: 1_000,
    });
    consumers.push(consumer);
    let joins = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => joins++);
    const handled = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        handled.add(message.value!.toString());
      },
    });
    await waitFor(() => joins === 1, { message: 'the group to be joined' });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // idle: fetches ask for any byte now

    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // metadata read again, group re-joined
    const values = ['0', '1', '2'];
    await producer.send({ topic, messages: values.map((value) => ({ value, partition: Number(value) })) });

    // kafkajs re-joins from inside an idle fetch; had the re-join stayed with the fetch's view of the
    // group, the group would keep its stale assignment and re-join at every fetch (135 times here).
    await waitFor(() => values.every((value) => handled.has(value)), {
      timeoutMs: 10_000,
      message: 'a record on the old partition and on each new one to be handled',
    });
    expect(joins).toBe(2);
  }, 30_000);
});
