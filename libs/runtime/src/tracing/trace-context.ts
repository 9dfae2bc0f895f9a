import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import { startOtelSpan } from './otel';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): `traceparent` is
 * `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`. smsgate carries it on HTTP requests and
 * in Kafka record headers, and every log line written while a message is handled names its trace id,
 * so one message can be followed across services with a single log query.
 */
export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const storage = new AsyncLocalStorage<TraceContext>();

/** Parses a `traceparent` header; undefined for anything the specification says to ignore. */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const match = TRACEPARENT.exec(header?.trim().toLowerCase() ?? '');
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

export const formatTraceparent = ({ traceId, spanId, flags }: TraceContext): string =>
  `00-${traceId}-${spanId}-${flags}`;

/** A new span: in the same trace as `parent` when there is one, else the root of a new trace (sampled). */
export function childSpan(parent?: TraceContext): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    flags: parent?.flags ?? '01',
  };
}

// Ids come from a pool filled 4 KiB at a time: a crypto call per span costs more than the span.
const pool = Buffer.alloc(4_096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** Set only during a synchronous call made with `inTraceSync`. */
let syncTrace: TraceContext | undefined;

export const currentTrace = (): TraceContext | undefined => syncTrace ?? storage.getStore();

/**
 * Calls `fn` synchronously with `trace` current (for its log lines, say) without AsyncLocalStorage:
 * on Node 20, once any AsyncLocalStorage has run, every promise of the process pays for a hook, which
 * cost a fifth of ingress's CPU per request. What `fn` leaves for later does not see `trace`.
 */
export function inTraceSync<T>(trace: TraceContext | undefined, fn: () => T): T {
  if (!trace) return fn();
  const outer = syncTrace;
  syncTrace = trace;
  try {
    return fn();
  } finally {
    syncTrace = outer;
  }
}

export type SpanKindName = 'server' | 'consumer' | 'producer' | 'client' | 'internal';

export interface OpenSpan {
  ids: TraceContext;
  /** False when OpenTelemetry is off: the span is only its ids and `end` does nothing. */
  recording: boolean;
  /** Ends the span (exported when OpenTelemetry is on; see otel.ts). `failed` marks it as an error. */
  end(failed?: string): void;
}

/** A new span under `parent`: exported through OpenTelemetry when that is on, else just its ids. */
export function startSpan(
  name: string,
  kind: SpanKindName,
  parent: TraceContext | undefined,
  attributes?: Record<string, string | number>,
): OpenSpan {
  const otel = startOtelSpan(name, kind, parent, attributes);
  if (!otel) return { ids: childSpan(parent), recording: false, end: () => undefined };
  return {
    ids: otel.ids,
    recording: true,
    end: (failed) => {
      if (failed !== undefined) otel.span.setStatus({ code: 2, message: failed.slice(0, 500) });
      otel.span.end();
    },
  };
}

/** Runs `fn` with `span` current: its log lines name it, and what it publishes continues it. */
export const runInSpan = <T>(span: TraceContext, fn: () => T): T => storage.run(span, fn);

/**
 * Runs `fn` as a new span of the trace in `traceparent` (or of a new trace when it is missing or
 * invalid); the span ends when `fn` returns or its promise settles.
 */
export function runInTrace<T>(
  traceparent: string | undefined,
  fn: () => T,
  name = 'handle',
  kind: SpanKindName = 'consumer',
): T {
  const span = startSpan(name, kind, parseTraceparent(traceparent));
  const result = storage.run(span.ids, fn);
  // Tracing off (the usual case, on the hot path): nothing to end.
  if (!span.recording) return result;
  if (result instanceof Promise)
    result.then(
      () => span.end(),
      (error: unknown) => span.end(error instanceof Error ? error.message : String(error)),
    );
  else span.end();
  return result;
}

/**
 * The `traceparent` to send on an outgoing request or record: a span that is a child of `parent` (by
 * default the current span), ended at once (it stands for the send; the receiver continues it).
 */
export function outgoingTraceparent(
  parent: TraceContext | undefined = currentTrace(),
  name = 'send',
  kind: SpanKindName = 'client',
): string {
  const span = startSpan(name, kind, parent);
  span.end();
  return formatTraceparent(span.ids);
}
