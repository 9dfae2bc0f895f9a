import { LoggerService } from '@nestjs/common';
import { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { Topic } from '@smsgate/contracts';
import { EachBatchPayload } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { runWithBatchTraces } from './batch-traces';
import { BatchResult, ConsumedBatch, ConsumedEvent, withEventTrace } from './consumed-batch';
import { Outcome, Outcomes } from './outcome';

class KafkaBatchContext extends BaseRpcContext<[string, number]> {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// kafkajs heartbeats only when asked (and heartbeatInterval has passed): during a handler, ask every second.
const HANDLER_HEARTBEAT_MS = 1_000;

/**
 * Calls a topic's `@EventPattern` handler with a batch of events and gets one outcome per event. An
 * exception is retried in place for a while (a database blip), then the events are tried one by one
 * so a single poison event cannot block its partition.
 */
export class BatchHandlerRunner {
  constructor(
    private readonly handlerOf: (topic: Topic) => MessageHandler | null,
    private readonly inPlaceRetryMs: number,
    private readonly logger: LoggerService,
  ) {}

  /** Calls the handler; on exceptions retries in place, then isolates the failing events. */
  async run(topic: Topic, events: ConsumedEvent<unknown>[], batch: EachBatchPayload): Promise<Outcome[]> {
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

  private async call(topic: Topic, events: ConsumedEvent<unknown>[]): Promise<Outcome[]> {
    const handler = this.handlerOf(topic);
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
}

// Nest's exception filters hand a handler's exception back as a plain `{ status, message }` object.
const errorText = (error: unknown): string =>
  error instanceof Error
    ? error.message
    : typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : String(error);
