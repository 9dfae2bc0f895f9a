import { currentTrace, outgoingTraceparent, parseTraceparent, TraceContext } from '@smsgate/runtime';
import { AsyncLocalStorage } from 'node:async_hooks';

const batches = new AsyncLocalStorage<ReadonlyMap<string, string>>();

/**
 * Runs a handler of a whole batch with its events' traces at hand by record key. A handler that works
 * on the batch at once (one transaction for all) has no single trace to run in; what it publishes under
 * the key of one of the batch's events (the message id, the channel) continues that event's trace.
 */
export function runWithBatchTraces<T>(
  events: readonly { key?: string; headers: Record<string, string> }[],
  fn: () => T,
): T {
  const byKey = new Map<string, string>();
  for (const event of events)
    if (event.key !== undefined && event.headers.traceparent) byKey.set(event.key, event.headers.traceparent);
  return batches.run(byKey, fn);
}

/**
 * The `traceparent` for a record about to be published: a child of `parent` when given (a span
 * passed on by hand), else of the current span when there is one, else of the batch event with the
 * same key, else the root of a new trace.
 */
export function traceparentFor(key: string | undefined, topic = 'kafka', parent?: TraceContext): string {
  if (parent) return outgoingTraceparent(parent, `${topic} publish`, 'producer');
  const current = currentTrace();
  const inherited =
    current ?? (key === undefined ? undefined : parseTraceparent(batches.getStore()?.get(key)));
  return outgoingTraceparent(inherited, `${topic} publish`, 'producer');
}
