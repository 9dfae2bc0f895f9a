import { parsePayload, PayloadInput, PayloadOf, Topic } from '@smsgate/contracts';
import { TraceContext } from '@smsgate/runtime';
import { traceparentFor } from './batch-traces';
import { CompressionTypes, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { fastDefaultPartitioner } from './partitioner';

export class PublishTimeoutError extends Error {
  constructor(ms: number) {
    super(`Kafka did not acknowledge the publish within ${ms} ms`);
  }
}

export class InvalidEventError extends Error {}

export interface PublishOptions {
  key?: string;
  headers?: Record<string, string>;
  /** The channel's type, when the producer knows it: a label of `smsgate_messages_total`. */
  channelType?: string;
  /**
   * The span the record continues when it is not the current one: an HTTP request's where that is
   * not ambient (`traceOf(request)`).
   */
  trace?: TraceContext;
}

/** An already-encoded record: retries and dead-letter replays publish the original bytes again. */
export interface RawRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

interface Pending {
  topic: string;
  message: Message;
  /** Called once: without an argument when the broker acknowledged the message. */
  settle: (error?: Error) => void;
}

const MAX_MESSAGES_PER_REQUEST = 1_000;

/** Told of each event a publish carried, once Kafka acknowledged it. */
export type AcknowledgedListener = (topic: Topic, payload: unknown, channelType: string | undefined) => void;

/**
 * The one way services write to Kafka: an idempotent producer (acks = all) behind an automatic
 * batcher. The idempotent producer keeps one request in flight, so while a request is on the wire the
 * next publishes gather and leave together; every caller's promise settles when the broker
 * acknowledged the request that carried its message. Payloads are validated against the contract
 * before they are sent, so a producer bug is an error here rather than a dead letter downstream.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private connected = false;

  /**
   * `onAcknowledged` is told of each validated event once Kafka acknowledged it, with the publish's
   * `channelType` (services count their message metrics there: `countPublished`).
   */
  constructor(
    kafka: Kafka,
    private readonly publishTimeoutMs = 10_000,
    private readonly onAcknowledged?: AcknowledgedListener,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: fastDefaultPartitioner,
      // Unbounded retries keep the idempotent producer's ordering guarantees; callers stop waiting
      // after publishTimeoutMs and answer 503, while the send goes on once the broker is back.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Validates `payload` against `topic`'s schema, then publishes it; resolves once acknowledged. */
  publish<T extends Topic>(topic: T, payload: PayloadInput<T>, options: PublishOptions = {}): Promise<void> {
    return this.publishAll(topic, [{ payload, ...options }]);
  }

  /**
   * Publishes several events of one topic, each validated like `publish`; resolves once all are
   * acknowledged, and rejects (publishing none) if one is invalid. One promise and one timer for the
   * lot: what a batch handler wants for the events of its batch.
   */
  publishAll<T extends Topic>(
    topic: T,
    events: ({ payload: PayloadInput<T> } & PublishOptions)[],
  ): Promise<void> {
    const parsed: PayloadOf<T>[] = [];
    const messages: RawRecord[] = [];
    for (const event of events) {
      const result = parsePayload(topic, event.payload);
      if (!result.ok)
        return Promise.reject(new InvalidEventError(`invalid ${topic} event: ${result.reason}`));
      parsed.push(result.value);
      messages.push({
        key: event.key,
        value: JSON.stringify(result.value),
        // The record continues the trace of the work publishing it (W3C trace context in a header).
        headers: {
          'content-type': 'application/json',
          traceparent: traceparentFor(event.key, topic, event.trace),
          ...event.headers,
        },
      });
    }
    return this.publishRaw(topic, messages).then(() => {
      const listener = this.onAcknowledged;
      if (listener) parsed.forEach((payload, index) => listener(topic, payload, events[index].channelType));
    });
  }

  /** Publishes already-encoded messages (retries and dead letters keep the original bytes). */
  publishRaw(topic: string, messages: RawRecord[]): Promise<void> {
    if (!this.connected) return Promise.reject(new Error('the Kafka producer is not connected'));
    if (messages.length === 0) return Promise.resolve();
    const acknowledged = new Promise<void>((resolve, reject) => {
      let left = messages.length;
      let failed = false;
      const settle = (error?: Error) => {
        if (failed) return;
        if (error !== undefined) {
          failed = true;
          reject(error);
        } else if (--left === 0) resolve();
      };
      for (const message of messages) this.queue.push({ topic, message, settle });
    });
    this.kick();
    return withTimeout(acknowledged, this.publishTimeoutMs);
  }

  /** Waits for everything queued, then disconnects. */
  async disconnect(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      this.kick();
      await this.inFlight;
    }
    this.connected = false;
    await this.producer.disconnect();
  }

  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_MESSAGES_PER_REQUEST);
    this.inFlight = this.send(batch).finally(() => {
      this.inFlight = null;
      this.kick();
    });
  }

  private async send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      for (const pending of batch) pending.settle();
    } catch (error) {
      const failure =
        error instanceof Error ? error : new Error(`the Kafka producer failed: ${String(error)}`);
      for (const pending of batch) pending.settle(failure);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
