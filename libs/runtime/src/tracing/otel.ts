import { ROOT_CONTEXT, Span, SpanKind, trace, Tracer, TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry spans for the trace context smsgate carries anyway (see trace-context.ts). Off unless
 * configured the standard way: `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
 * exports OTLP over HTTP/JSON to a collector; `OTEL_TRACES_EXPORTER=console` prints spans;
 * `OTEL_TRACES_EXPORTER=none` turns them off whatever else is set. Off, a span is only a pair of ids.
 *
 * No global provider or context manager is registered: the spans' parents come from smsgate's own
 * context (AsyncLocalStorage, Kafka headers), so what is exported and what is logged are the same ids.
 */
let tracer: Tracer | undefined;
let shutdown: (() => Promise<void>) | undefined;

export type Exporting = 'otlp' | 'console' | 'off';

export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_TRACES_EXPORTER?: string;
  OTEL_SERVICE_NAME?: string;
}

export function exportingFrom(env: TracingEnv): Exporting {
  const chosen = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (chosen === 'none') return 'off';
  if (chosen === 'console') return 'console';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return 'otlp';
  return 'off';
}

/** Starts exporting spans for `service` when the environment asks for it; returns what it chose. */
export function startTracing(service: string, env: TracingEnv): Exporting {
  const exporting = exportingFrom(env);
  if (exporting === 'off') return exporting;
  const exporter: SpanExporter = exporting === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || `smsgate-${service}` }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  useTracerProvider(provider, () => provider.shutdown());
  return exporting;
}

/** Flushes and stops the exporter (on shutdown). */
export async function stopTracing(): Promise<void> {
  const stop = shutdown;
  tracer = undefined;
  shutdown = undefined;
  await stop?.();
}

/** Spans go to `provider` (tests pass one with an in-memory exporter); undefined turns them off. */
export function useTracerProvider(provider: TracerProvider | undefined, stop?: () => Promise<void>): void {
  tracer = provider?.getTracer('smsgate');
  shutdown = stop;
}

export interface SpanIds {
  traceId: string;
  spanId: string;
  flags: string;
}

/**
 * Starts an exported span under `parent` (a remote or local span context), or undefined when tracing
 * is off. The caller ends it.
 */
export function startOtelSpan(
  name: string,
  kind: 'server' | 'consumer' | 'producer' | 'client' | 'internal',
  parent: SpanIds | undefined,
  attributes?: Record<string, string | number>,
): { span: Span; ids: SpanIds } | undefined {
  if (!tracer) return undefined;
  const context = parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.spanId,
        traceFlags: parseInt(parent.flags, 16) & 1,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const span = tracer.startSpan(name, { kind: KINDS[kind], attributes }, context);
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { span, ids: { traceId, spanId, flags: traceFlags.toString(16).padStart(2, '0') } };
}

const KINDS = {
  server: SpanKind.SERVER,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
} as const;
