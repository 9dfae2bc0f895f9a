import { InboundReceivedV1, PayloadInput, Topics, uuidv7 } from '@smsgate/contracts';
import { ProbedMessage, TopicProbe } from '@smsgate/testing';
import { Kafka } from 'kafkajs';
import { createKafka } from './create-kafka';
import { EventPublisher, InvalidEventError } from './event-publisher';

const brokers = process.env.KAFKA_BROKERS!;

type Inbound = PayloadInput<typeof Topics.inboundReceived>;

const inbound = (fields: Partial<Inbound> = {}): Inbound => ({
  id: uuidv7(),
  workspace: uuidv7(),
  channel: uuidv7(),
  channelType: 'ex',
  from: '+254712345678',
  text: 'hello',
  receivedAt: new Date().toISOString(),
  ...fields,
});

const payloadOf = (message: ProbedMessage) => message.value as InboundReceivedV1;

describe('EventPublisher against Kafka', () => {
  let kafka: Kafka;
  let probe: TopicProbe;
  const publishers: EventPublisher[] = [];

  const connectedPublisher = async (): Promise<EventPublisher> => {
    const publisher = new EventPublisher(kafka);
    publishers.push(publisher);
    await publisher.connect();
    return publisher;
  };

  /** The probed messages of one workspace (each test owns one). */
  const probed = (workspace: string) =>
    probe.find((message) => (message.value as Partial<InboundReceivedV1>)?.workspace === workspace);

  beforeAll(async () => {
    kafka = createKafka({ brokers: brokers.split(','), clientId: 'smsgate-test-publisher' });
    probe = await TopicProbe.start(brokers, [Topics.inboundReceived]);
  });

  afterEach(async () => {
    // Disconnecting twice is harmless; a test that already disconnected its publisher asserted on it.
    await Promise.all(publishers.splice(0).map((publisher) => publisher.disconnect()));
  });

  afterAll(async () => {
    await probe.stop();
  });

  it('publishes concurrent events in few requests, each exactly once, keyed and in order per key', async () => {
    const publisher = await connectedPublisher();
    const sendBatch = jest.spyOn(publisher['producer'], 'sendBatch');
    const workspace = uuidv7();
    const channels = Array.from({ length: 10 }, () => uuidv7());
    const events = Array.from({ length: 300 }, (_, index) =>
      inbound({ workspace, channel: channels[index % channels.length], text: `#${index}` }),
    );

    await Promise.all(
      events.map((event) => publisher.publish(Topics.inboundReceived, event, { key: event.channel })),
    );

    // The idempotent producer keeps one request in flight; everything published meanwhile leaves together.
    expect(sendBatch.mock.calls.length).toBeGreaterThan(0);
    expect(sendBatch.mock.calls.length).toBeLessThanOrEqual(5);

    await probe.waitFor(() => probed(workspace).length >= events.length, {
      message: `${events.length} published events on ${Topics.inboundReceived}`,
    });
    const seen = probed(workspace);
    expect(seen).toHaveLength(events.length);
    const byId = new Map(seen.map((message) => [payloadOf(message).id, message]));
    expect(byId.size).toBe(events.length);
    for (const event of events) {
      const message = byId.get(event.id);
      expect(message).toBeDefined();
      expect(message?.key).toBe(event.channel);
      expect(message?.headers['content-type']).toBe('application/json');
      expect(payloadOf(message!)).toEqual(event);
    }

    // One key, one partition, publish order kept.
    for (const channel of channels) {
      const ofChannel = seen.filter((message) => message.key === channel);
      expect(new Set(ofChannel.map((message) => message.partition)).size).toBe(1);
      const inLogOrder = [...ofChannel].sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
      expect(inLogOrder.map((message) => payloadOf(message).text)).toEqual(
        events.filter((event) => event.channel === channel).map((event) => event.text),
      );
    }
  });

  it('rejects an invalid payload before sending it; it never reaches the topic', async () => {
    const publisher = await connectedPublisher();
    const sendBatch = jest.spyOn(publisher['producer'], 'sendBatch');
    const workspace = uuidv7();
    const channel = uuidv7();
    const invalid = inbound({ workspace, channel, from: '', receivedAt: 'yesterday' });

    const rejected = publisher.publish(Topics.inboundReceived, invalid, { key: channel });
    await expect(rejected).rejects.toBeInstanceOf(InvalidEventError);
    await expect(rejected).rejects.toThrow(/invalid sms\.inbound\.received\.v1 event: .*from.*receivedAt/s);
    expect(sendBatch).not.toHaveBeenCalled();

    // A valid event with the same key goes to the same partition after it: once it is there, so would be
    // the invalid one had it been sent.
    const marker = inbound({ workspace, channel, text: 'marker' });
    await publisher.publish(Topics.inboundReceived, marker, { key: channel });
    await probe.waitFor((message) => (message.value as Partial<InboundReceivedV1>)?.id === marker.id);
    expect(probed(workspace).map((message) => payloadOf(message).id)).toEqual([marker.id]);
  });

  it('disconnect() waits for queued publishes, and later publishes are refused', async () => {
    const publisher = new EventPublisher(kafka);
    publishers.push(publisher);
    await expect(publisher.publish(Topics.inboundReceived, inbound())).rejects.toThrow(/not connected/);
    await publisher.connect();
    const workspace = uuidv7();
    const events = Array.from({ length: 50 }, (_, index) => inbound({ workspace, text: `#${index}` }));
    const settled: string[] = [];
    const publishes = events.map((event) =>
      publisher.publish(Topics.inboundReceived, event, { key: event.channel }).then(
        () => settled.push(`ok ${event.id}`),
        (error: Error) => settled.push(`failed ${event.id}: ${error.message}`),
      ),
    );

    await publisher.disconnect();

    // Every publish was acknowledged by the time disconnect() resolved (one turn lets their callbacks run).
    await new Promise(setImmediate);
    expect(settled.sort()).toEqual(events.map((event) => `ok ${event.id}`).sort());
    await Promise.all(publishes);
    await expect(publisher.publish(Topics.inboundReceived, inbound())).rejects.toThrow(/not connected/);
    await probe.waitFor(() => probed(workspace).length >= events.length, {
      message: 'the events published before disconnect()',
    });
    expect(probed(workspace)).toHaveLength(events.length);
  });
});
