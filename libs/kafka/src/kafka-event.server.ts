import { INestApplicationContext } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { retryTopicOf, RETRY_TOPIC_PARTITIONS, Topic } from '@smsgate/contracts';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { BatchHandlerRunner } from './batch-handler-runner';
import { consumedOutcomes, ConsumerLag } from './consumer-metrics';
import { Coordinates, Decoded, decodeEvent } from './event-decoder';
import { ensureTopics } from './ensure-topics';
import { EventPublisher } from './event-publisher';
import { KAFKA } from './kafka.module';
import { OffsetCommitter } from './offset-committer';
import { OutcomeSettler } from './outcome-settler';
import { notBeforeOf, originalTopicOf, retryCoordinates } from './retry-record';

export interface KafkaEventServerOptions {
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

/**
 * A Nest microservice transport on kafkajs that owns commits. Handlers are ordinary
 * `@EventPattern(topic)` methods taking a `ConsumedBatch` and returning outcomes; this server decodes and
 * validates each event against its contract (invalid → dead letter), calls the handler
 * (batch-handler-runner.ts), turns the outcomes into retry-topic or DLQ publishes (outcome-settler.ts),
 * and commits the offsets only once those are acknowledged (offset-committer.ts).
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private retryConsumer?: Consumer;
  private joined = false;
  private crashed = false;
  private readonly lag = new ConsumerLag();
  private readonly retryDelays: number[];
  private readonly maxEventsPerCall: number;
  private readonly runner: BatchHandlerRunner;
  private readonly settler: OutcomeSettler;
  /** One OffsetCommit request for whatever partitions finished meanwhile, per consumer. */
  private readonly commits = new OffsetCommitter();
  private readonly retryCommits = new OffsetCommitter();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  /**
   * The consumer of a service built on KafkaModule: its Kafka client and publisher, with `options`. The
   * client stays inside this library (services never hold kafkajs objects).
   */
  static forApp(app: INestApplicationContext, options: KafkaEventServerOptions): KafkaEventServer {
    return new KafkaEventServer(app.get<Kafka>(KAFKA), app.get(EventPublisher), options);
  }

  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    private readonly options: KafkaEventServerOptions,
  ) {
    super();
    this.retryDelays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000];
    this.maxEventsPerCall = options.maxEventsPerCall ?? 500;
    this.runner = new BatchHandlerRunner(
      (topic) => this.getHandlerByPattern(topic),
      options.inPlaceRetryMs ?? 15_000,
      this.logger,
    );
    this.settler = new OutcomeSettler(publisher, options.groupId, this.retryDelays, this.logger);
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

  /**
   * Handlers are keyed by topic name. Nest's lookup first parses the pattern as JSON, which throws for a
   * topic name: an exception a batch (10-20 µs, 3% of the dispatcher's CPU). Other patterns go to Nest.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  private topics(): string[] {
    return [...this.messageHandlers.keys()];
  }

  private async start(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    const { groupId } = this.options;
    await ensureTopics(
      this.kafka,
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
    const consumer = this.kafka.consumer({
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
      this.lag.keepOnly(groupId, payload.memberAssignment);
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
        decodeEvent(topic, message, {
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
    this.lag.record(this.options.groupId, batch.topic, batch.partition, batch.offsetLag());
  }

  private async onRetryBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      const notBefore = notBeforeOf(message);
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
      const topic = originalTopicOf(message) as Topic;
      const known = this.messageHandlers.has(topic);
      // A message without usable retry headers is dead-lettered as a message of the retry topic itself.
      const coordinates: Coordinates = known
        ? retryCoordinates(message, topic, batch.partition)
        : {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            attempt: 1,
          };
      const decoded = known
        ? decodeEvent(topic, message, coordinates)
        : ({ ok: false, reason: `no handler for topic "${topic}"`, coordinates, message } as const);
      await this.process(topic, [decoded], payload);
      payload.resolveOffset(message.offset);
      await this.retryCommits.commit(payload, batch.topic, batch.partition, message.offset);
      await payload.heartbeat();
    }
    this.lag.record(`${this.options.groupId}.retry`, batch.topic, batch.partition, batch.offsetLag());
  }

  private async process(topic: Topic, decoded: Decoded<Topic>[], batch: EachBatchPayload): Promise<void> {
    const valid = decoded.filter((item): item is Extract<Decoded<Topic>, { ok: true }> => item.ok);
    const invalid = decoded.filter((item): item is Extract<Decoded<Topic>, { ok: false }> => !item.ok);
    const results =
      valid.length > 0
        ? await this.runner.run(
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
      else settling.push(this.settler.settle(item.message, item.event, outcome));
    });
    const group = this.options.groupId;
    if (done > 0) consumedOutcomes.inc({ topic: valid[0].event.topic, group, outcome: 'done' }, done);
    if (skipped > 0)
      consumedOutcomes.inc({ topic: valid[0].event.topic, group, outcome: 'skipped' }, skipped);
    // Publishes start only once the handler is done, so none is left unobserved while it runs.
    await Promise.all([
      ...invalid.map((item) => this.settler.deadLetter(item.message, item.coordinates, item.reason)),
      ...settling,
    ]);
  }
}
