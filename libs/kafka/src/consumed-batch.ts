import { PayloadOf, Topic } from '@smsgate/contracts';
import { runInTrace } from '@smsgate/runtime';
import { Outcome } from './outcome';

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

/**
 * Runs `fn` in the trace of the consumed event (its `traceparent` header, W3C trace context): log lines
 * name that trace and what `fn` publishes continues it. Batch handlers call this per event.
 */
export const withEventTrace = <T>(
  event: { headers: Record<string, string>; topic?: string },
  fn: () => T,
): T => runInTrace(event.headers.traceparent, fn, `${event.topic ?? 'kafka'} process`, 'consumer');
