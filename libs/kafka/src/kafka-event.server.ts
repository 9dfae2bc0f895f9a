import { INestApplicationContext } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  DeadLetterV1,
  parsePayload,
  PayloadOf,
  retryTopicOf,
  RETRY_TOPIC_PARTITIONS,
  Topic,
  Topics,
  uuidv7,
} from '@smsgate/contracts';
import { MicroBatcher, runInTrace } from '@smsgate/runtime';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import { isObservable, lastValueFrom } from 'rxjs';
import { runWithBatchTraces } from './batch-traces';
import { ensureTopics } from './ensure-topics';
import { EventPublisher, headerString } from './event-publisher';
import { KAFKA } from './kafka.module';
import { Outcome, Outcomes } from './outcome';

export interface ConsumedEvent<T> {
  payload: T;
  key?: string;
  headers: Record<string, string>;
  /** Where the event was first published (a retried event keeps its original coordinates). */
  topic: string;
  partition: number;
  offset: string;
  /** The Kafka timestamp of the record as first published, in ms since the epoch, as a string. */
  timestamp: string;
  /** 1 on first delivery, then 2, 3… from the retry topic. */
  attempt: number;
}

export interface ConsumedBatch<T extends Topic> {
  topic: T;
  events: ConsumedEvent<PayloadOf<T>>[];
}

/** What an `@EventPattern(topic)` handler returns: one outcome per event, or one for them all. */
export type BatchResult = Outcome | Outcome[];

export interface KafkaEventServerOptions {
  kafka: Kafka;
  publisher: EventPublisher;
  groupId: string;
  /** Delay before each retry; attempts = delays + 1, then dead letter. */
  retryDelaysMs?: number[];
  /** How long a failing handler is retried in place (infrastructure hiccups) before events move on. */
  inPlaceRetryMs?: number;
  partitionsConsumedConcurrently?: number;
  maxEventsPerCall?: number;
  /**
   * A fetch waits until this many bytes are ready (or `fetchMaxWaitMs` passed): bigger batches for
   * handlers whose cost is mostly per batch, for a little latency. Default 1 (answer at once).
   */
  fetchMinBytes?: number;
  /** How long a fetch waits for `fetchMinBytes`; also bounds how long close() waits. Default 1 s. */
  fetchMaxWaitMs?: number;
  /** The group's session timeout: a member silent this long is dropped and its partitions move. */
  sessionTimeoutMs?: number;
  /** kafkajs heartbeats at most this often (after each batch, and every second during a handler). */
  heartbeatIntervalMs?: number;
  /** Called with the main consumer's partitions (by topic) each time it (re)joins its group. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
}

const H = {
  originalTopic: 'x-smsgate-original-topic',
  originalPartition: 'x-smsgate-original-partition',
  originalOffset: 'x-smsgate-original-offset',
  originalTimestamp: 'x-smsgate-original-timestamp',
  attempt: 'x-smsgate-attempt',
  notBefore: 'x-smsgate-not-before',
  lastError: 'x-smsgate-last-error',
} as const;

const outcomes = new Counter({
  name: 'smsgate_consumer_events_total',
  help: 'Consumed events by topic, consumer group and outcome',
  labelNames: ['topic', 'group', 'outcome'],
});

const retries = new Counter({
  name: 'smsgate_retries_total',
  help: 'Events sent to a consumer group retry topic for another attempt, by source topic and group',
  labelNames: ['topic', 'group'],
});

const deadLetters = new Counter({
  name: 'smsgate_dead_letters_total',
  help: 'Events published to sms.deadletter.v1, by source topic and consumer group',
  labelNames: ['topic', 'group'],
});

const consumerLag = new Gauge({
  name: 'smsgate_consumer_lag',
  help: 'Records behind the end of the partition after the last batch, by topic, partition and group',
  labelNames: ['topic', 'partition', 'group'],
});

/**
 * Runs `fn` in the trace of the consumed event (its `traceparent` header, W3C trace context): log lines
 * name that trace and what `fn` publishes continues it. Batch handlers call this per event.
 */
export const withEventTrace = <T>(
  event: { headers: Record<string, string>; topic?: string },
  fn: () => T,
): T => runInTrace(event.headers.traceparent, fn, `${event.topic ?? 'kafka'} process`, 'consumer');

class KafkaBatchContext extends BaseRpcContext<[string, number]> {}

type ActionOutcome = Extract<Outcome, { kind: 'retry' | 'dead-letter' }>;

type Decoded<T extends Topic> =
  | { ok: true; event: ConsumedEvent<PayloadOf<T>>; message: KafkaMessage }
  | { ok: false; reason: string; coordinates: Coordinates; message: KafkaMessage };

interface Coordinates {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  attempt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// kafkajs heartbeats only when asked (and heartbeatInterval has passed): during a handler, ask every second.
const HANDLER_HEARTBEAT_MS = 1_000;

/** ±20 %: messages that failed together (an aggregator's outage) do not all come back together. */
export function jittered(delayMs: number, random: () => number = Math.random): number {
  return Math.round(delayMs * (0.8 + 0.4 * random()));
}

/**
 * A Nest microservice transport on kafkajs that owns commits. Handlers are ordinary
 * `@EventPattern(topic)` methods taking a `ConsumedBatch` and returning outcomes; this server decodes and
 * validates each event against its contract (invalid → dead letter), calls the handler, turns the
 * outcomes into retry-topic or DLQ publishes, and commits the offsets only once those are acknowledged.
 * An exception is retried in place for a while (a database blip), then the events are tried one by one
 * so a single poison event cannot block its partition.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private retryConsumer?: Consumer;
  private joined = false;
  private crashed = false;
  private readonly lagKeys = new Set<string>();
  private readonly retryDelays: number[];
  private readonly inPlaceRetryMs: number;
  private readonly maxEventsPerCall: number;
  /** One OffsetCommit request for whatever partitions finished meanwhile, per consumer. */
  private readonly commits = new OffsetCommitter();
  private readonly retryCommits = new OffsetCommitter();

  /**
   * The consumer of a service built on KafkaModule: its Kafka client and publisher, with `options`. The
   * client stays inside this library (services never hold kafkajs objects).
   */
  static forApp(
    app: INestApplicationContext,
    options: Omit<KafkaEventServerOptions, 'kafka' | 'publisher'>,
  ): KafkaEventServer {
    return new KafkaEventServer({
      ...options,
      kafka: app.get<Kafka>(KAFKA),
      publisher: app.get(EventPublisher),
    });
  }

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
    this.retryDelays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000];
    this.inPlaceRetryMs = options.inPlaceRetryMs ?? 15_000;
    this.maxEventsPerCall = options.maxEventsPerCall ?? 500;
  }

  /** One per retry delay: `smsgate.retry.<group>.<attempt that failed>`. */
  get retryTopics(): string[] {
    return this.retryDelays.map((_, index) => retryTopicOf(this.options.groupId, index + 1));
  }

  /** Ready when there is nothing to consume, or the consumer joined its group and did not crash. */
  isReady(): boolean {
    return this.topics().length === 0 || (this.joined && !this.crashed);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  async close(): Promise<void> {
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    // disconnect() lets the batch in hand finish (and commit) before leaving the group.
    await Promise.all([this.consumer?.disconnect(), this.retryConsumer?.disconnect()]);
    this.consumer = this.retryConsumer = undefined;
  }

  on(): never {
    throw new Error('KafkaEventServer has no events to listen to');
  }

  unwrap<T>(): T {
    return [this.consumer, this.retryConsumer] as T;
  }

  private topics(): string[] {
    return [...this.messageHandlers.keys()];
  }

  private async start(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    const { kafka, groupId } = this.options;
    await ensureTopics(
      kafka,
      this.retryTopics.map((topic) => ({ topic, numPartitions: RETRY_TOPIC_PARTITIONS })),
    );

    this.consumer = this.newConsumer(groupId, (joined) => (this.joined = joined));
    const onAssignment = this.options.onAssignment;
    if (onAssignment) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
        onAssignment(payload.memberAssignment),
      );
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });

    this.retryConsumer = this.newConsumer(`${groupId}.retry`, () => undefined);
    await this.retryConsumer.connect();
    await this.retryConsumer.subscribe({ topics: this.retryTopics, fromBeginning: true });
    await this.retryConsumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition of every delay at once: a partition waiting for its head holds up no other.
      partitionsConsumedConcurrently: RETRY_TOPIC_PARTITIONS * this.retryDelays.length,
      eachBatch: (payload) => this.onRetryBatch(payload),
    });
  }

  private newConsumer(groupId: string, onJoin: (joined: boolean) => void): Consumer {
    const consumer = this.options.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 6_000,
      // Bounds how long close() waits for an idle fetch to return (kafkajs' default is 5 s).
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 1_000,
      minBytes: this.options.fetchMinBytes ?? 1,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.crashed = false;
      onJoin(true);
      // Partitions that moved to another member no longer report a lag from here.
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => `${topic}:${partition}`),
        ),
      );
      for (const key of this.lagKeys) {
        const [group, topic, partition] = key.split('|');
        if (group === groupId && !assigned.has(`${topic}:${partition}`)) {
          consumerLag.remove({ topic, partition, group });
          this.lagKeys.delete(key);
        }
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(
        `consumer ${groupId} crashed: ${payload.error.message} (restart: ${payload.restart})`,
      );
      if (!payload.restart) this.crashed = true;
    });
    return consumer;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const topic = batch.topic as Topic;
    for (let start = 0; start < batch.messages.length; start += this.maxEventsPerCall) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + this.maxEventsPerCall);
      const decoded = chunk.map((message) =>
        this.decode(topic, message, {
          topic,
          partition: batch.partition,
          offset: message.offset,
          timestamp: message.timestamp,
          attempt: 1,
        }),
      );
      await this.process(topic, decoded, payload);
      const last = chunk[chunk.length - 1].offset;
      payload.resolveOffset(last);
      await this.commits.commit(payload, topic, batch.partition, last);
      await payload.heartbeat();
    }
    this.recordLag(this.options.groupId, payload);
  }

  private recordLag(group: string, { batch }: EachBatchPayload): void {
    const lag = Number(batch.offsetLag());
    if (!Number.isFinite(lag)) return;
    consumerLag.set({ topic: batch.topic, partition: String(batch.partition), group }, lag);
    this.lagKeys.add(`${group}|${batch.topic}|${batch.partition}`);
  }

  private async onRetryBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      const notBefore = Number(headerString(message.headers, H.notBefore) ?? 0);
      if (Date.now() < notBefore) {
        // Not due: pause this partition until it is, rather than sleep here (a sleeping batch would
        // hold up the fetch for every other partition). Unresolved records are fetched again.
        const resume = payload.pause();
        const timer = setTimeout(() => {
          this.resumeTimers.delete(timer);
          resume();
        }, notBefore - Date.now());
        this.resumeTimers.add(timer);
        return;
      }
      if (!payload.isRunning() || payload.isStale()) return;
      const topic = (headerString(message.headers, H.originalTopic) ?? '') as Topic;
      const known = this.messageHandlers.has(topic);
      // A message without usable retry headers is dead-lettered as a message of the retry topic itself.
      const coordinates: Coordinates = known
        ? {
            topic,
            partition: Number(headerString(message.headers, H.originalPartition) ?? batch.partition),
            offset: headerString(message.headers, H.originalOffset) ?? message.offset,
            timestamp: headerString(message.headers, H.originalTimestamp) ?? message.timestamp,
            attempt: Math.max(1, Number(headerString(message.headers, H.attempt)) || 2),
          }
        : {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            attempt: 1,
          };
      const decoded = known
        ? this.decode(topic, message, coordinates)
        : ({ ok: false, reason: `no handler for topic "${topic}"`, coordinates, message } as const);
      await this.process(topic, [decoded], payload);
      payload.resolveOffset(message.offset);
      await this.retryCommits.commit(payload, batch.topic, batch.partition, message.offset);
      await payload.heartbeat();
    }
    this.recordLag(`${this.options.groupId}.retry`, payload);
  }

  private decode<T extends Topic>(topic: T, message: KafkaMessage, at: Coordinates): Decoded<T> {
    if (!message.value) return { ok: false, reason: 'empty message value', coordinates: at, message };
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `invalid JSON: ${(error as Error).message}`, coordinates: at, message };
    }
    const parsed = parsePayload(topic, json);
    if (!parsed.ok)
      return { ok: false, reason: `invalid ${topic} payload: ${parsed.reason}`, coordinates: at, message };
    return {
      ok: true,
      message,
      event: {
        payload: parsed.value,
        key: message.key?.toString('utf8'),
        headers: stringHeaders(message.headers),
        ...at,
      },
    };
  }

  private async process(topic: Topic, decoded: Decoded<Topic>[], batch: EachBatchPayload): Promise<void> {
    const valid = decoded.filter((item): item is Extract<Decoded<Topic>, { ok: true }> => item.ok);
    const invalid = decoded.filter((item): item is Extract<Decoded<Topic>, { ok: false }> => !item.ok);
    const results =
      valid.length > 0
        ? await this.handle(
            topic,
            valid.map((item) => item.event),
            batch,
          )
        : [];
    // Done and skipped events need nothing more than counting, by batch: the common case stays cheap.
    let done = 0;
    let skipped = 0;
    const settling: Promise<void>[] = [];
    valid.forEach((item, index) => {
      const outcome = results[index];
      if (outcome.kind === 'done') done++;
      else if (outcome.kind === 'skipped') skipped++;
      else settling.push(this.settle(item.message, item.event, outcome));
    });
    const group = this.options.groupId;
    if (done > 0) outcomes.inc({ topic: valid[0].event.topic, group, outcome: 'done' }, done);
    if (skipped > 0) outcomes.inc({ topic: valid[0].event.topic, group, outcome: 'skipped' }, skipped);
    // Publishes start only once the handler is done, so none is left unobserved while it runs.
    await Promise.all([
      ...invalid.map((item) => this.deadLetter(item.message, item.coordinates, item.reason)),
      ...settling,
    ]);
  }

  /** Calls the handler; on exceptions retries in place, then isolates the failing events. */
  private async handle(
    topic: Topic,
    events: ConsumedEvent<unknown>[],
    batch: EachBatchPayload,
  ): Promise<Outcome[]> {
    const deadline = Date.now() + this.inPlaceRetryMs;
    let delay = 250;
    let lastError: unknown;
    for (;;) {
      try {
        return await this.whileHeartbeating(batch, () => this.call(topic, events));
      } catch (error) {
        lastError = error;
        if (Date.now() + delay > deadline || !batch.isRunning()) break;
        this.logger.warn(`${topic} handler failed (${errorText(error)}); retrying in ${delay} ms`);
        await sleep(delay);
        await batch.heartbeat();
        delay = Math.min(delay * 2, 4_000);
      }
    }
    if (!batch.isRunning()) throw lastError;
    if (events.length === 1) return [Outcomes.retry(errorText(lastError))];
    const single: Outcome[] = [];
    for (const event of events) {
      try {
        single.push(...(await this.whileHeartbeating(batch, () => this.call(topic, [event]))));
      } catch (error) {
        single.push(Outcomes.retry(errorText(error)));
      }
    }
    return single;
  }

  /**
   * Keeps the group membership alive while a handler runs longer than the session timeout allows
   * (slow aggregators: one send may take HTTP_TIMEOUT_MS); kafkajs only heartbeats when asked to.
   */
  private async whileHeartbeating<T>(batch: EachBatchPayload, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      batch.heartbeat().catch((error: unknown) => {
        this.logger.warn(`heartbeat during a long handler failed: ${errorText(error)}`);
      });
    }, HANDLER_HEARTBEAT_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Handlers are keyed by topic name. Nest's lookup first parses the pattern as JSON, which throws for a
   * topic name: an exception a batch (10-20 µs, 3% of the dispatcher's CPU). Other patterns go to Nest.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  private async call(topic: Topic, events: ConsumedEvent<unknown>[]): Promise<Outcome[]> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`no handler for topic "${topic}"`);
    const batch = { topic, events } as ConsumedBatch<Topic>;
    const invoke = () => handler(batch, new KafkaBatchContext([topic, events[0].partition]));
    // One event: the whole call is in its trace. A batch: handlers run per-event work in withEventTrace,
    // and what they publish for the batch as a whole continues the trace of the event with the same key.
    const returned: unknown = await (events.length === 1
      ? withEventTrace(events[0], invoke)
      : runWithBatchTraces(events, invoke));
    const result = (isObservable(returned) ? await lastValueFrom(returned) : returned) as BatchResult;
    if (!Array.isArray(result)) return events.map(() => result);
    if (result.length !== events.length) {
      throw new Error(`handler for ${topic} returned ${result.length} outcomes for ${events.length} events`);
    }
    return result;
  }

  /** The outcomes that need a publish (done and skipped are only counted, per batch, in process()). */
  private settle(
    message: KafkaMessage,
    event: ConsumedEvent<unknown>,
    outcome: ActionOutcome,
  ): Promise<void> {
    return withEventTrace(event, () => this.settleInTrace(message, event, outcome));
  }

  private async settleInTrace(
    message: KafkaMessage,
    event: ConsumedEvent<unknown>,
    outcome: ActionOutcome,
  ): Promise<void> {
    switch (outcome.kind) {
      case 'dead-letter':
        // Counted where it is published (also for retries that ran out).
        return this.deadLetter(message, event, outcome.reason);
      case 'retry': {
        outcomes.inc({ topic: event.topic, group: this.options.groupId, outcome: 'retry' });
        if (event.attempt > this.retryDelays.length) {
          return this.deadLetter(
            message,
            event,
            `gave up after ${event.attempt} attempts: ${outcome.reason}`,
          );
        }
        const delay = jittered(this.retryDelays[event.attempt - 1]);
        retries.inc({ topic: event.topic, group: this.options.groupId });
        this.logger.warn(
          `${event.topic} ${event.partition}:${event.offset} attempt ${event.attempt} failed (${outcome.reason}); retry in ${delay} ms`,
        );
        return this.options.publisher.publishRaw(retryTopicOf(this.options.groupId, event.attempt), [
          {
            key: message.key,
            value: message.value,
            headers: {
              ...stringHeaders(message.headers),
              [H.originalTopic]: event.topic,
              [H.originalPartition]: String(event.partition),
              [H.originalOffset]: event.offset,
              [H.originalTimestamp]: event.timestamp,
              [H.attempt]: String(event.attempt + 1),
              [H.notBefore]: String(Date.now() + delay),
              [H.lastError]: outcome.reason.slice(0, 500),
            },
          },
        ]);
      }
    }
  }

  private deadLetter(message: KafkaMessage, at: Coordinates, reason: string): Promise<void> {
    return runInTrace(
      headerString(message.headers, 'traceparent'),
      () => this.deadLetterInTrace(message, at, reason),
      `${at.topic} dead-letter`,
      'internal',
    );
  }

  private async deadLetterInTrace(message: KafkaMessage, at: Coordinates, reason: string): Promise<void> {
    outcomes.inc({ topic: at.topic, group: this.options.groupId, outcome: 'dead-letter' });
    deadLetters.inc({ topic: at.topic, group: this.options.groupId });
    this.logger.warn(`dead letter from ${at.topic} ${at.partition}:${at.offset}: ${reason}`);
    const value = message.value ?? Buffer.alloc(0);
    const utf8 = value.toString('utf8');
    const isText = Buffer.from(utf8, 'utf8').equals(value);
    const letter: DeadLetterV1 = {
      id: uuidv7(),
      group: this.options.groupId,
      sourceTopic: at.topic,
      partition: at.partition,
      offset: at.offset,
      key: message.key?.toString('utf8'),
      value: isText ? utf8 : value.toString('base64'),
      valueEncoding: isText ? 'utf8' : 'base64',
      headers: Object.fromEntries(
        Object.entries(stringHeaders(message.headers)).filter(([name]) => !name.startsWith('x-smsgate-')),
      ),
      reason: reason.slice(0, 2_000),
      attempts: at.attempt,
      failedAt: new Date().toISOString(),
    };
    await this.options.publisher.publish(Topics.deadLetter, letter, { key: at.topic });
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerString(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface PendingCommit {
  payload: EachBatchPayload;
  topic: string;
  partition: number;
  /** The next offset to read: the last one handled + 1. */
  next: bigint;
}

/**
 * Commits handled offsets, one OffsetCommit request for every partition that finished while the
 * previous request was on the wire: with small batches (one message per request upstream) a commit
 * per partition batch was a broker round trip per message. Each caller still waits for the request
 * that carried its offset, so a batch returns only once committed.
 *
 * Commits go through a batch (`commitOffsetsIfNecessary` with offsets), not `consumer.commitOffsets()`:
 * that one silently does nothing once the consumer is stopping, which would lose the commit of the
 * batch that close() lets finish. Any batch of the consumer will do: they share its group.
 */
export class OffsetCommitter {
  private readonly batcher = new MicroBatcher<PendingCommit, void>(
    async (pending) => {
      const highest = new Map<string, PendingCommit>();
      for (const item of pending) {
        const key = `${item.partition}|${item.topic}`;
        const seen = highest.get(key);
        if (!seen || item.next > seen.next) highest.set(key, item);
      }
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, next } of highest.values()) {
        const partitions = byTopic.get(topic) ?? [];
        partitions.push({ partition, offset: next.toString() });
        byTopic.set(topic, partitions);
      }
      await pending[pending.length - 1].payload.commitOffsetsIfNecessary({
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
      return pending.map(() => undefined);
    },
    { maxBatch: 10_000, maxInFlight: 1 },
  );

  commit(payload: EachBatchPayload, topic: string, partition: number, lastOffset: string): Promise<void> {
    return this.batcher.submit({ payload, topic, partition, next: BigInt(lastOffset) + 1n });
  }
}

// Nest's exception filters hand a handler's exception back as a plain `{ status, message }` object.
const errorText = (error: unknown): string =>
  error instanceof Error
    ? error.message
    : typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : String(error);
