import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpenSpan, parseTraceparent, runInSpan, startSpan, TraceContext } from './trace-context';

const requestTraces = new WeakMap<object, TraceContext>();

/** The span an HTTP request is handled in: what it publishes passes it on when it is not ambient. */
export const traceOf = (request: object): TraceContext | undefined => requestTraces.get(request);

export interface TraceHttpOptions {
  /**
   * The span is current for everything the request does (AsyncLocalStorage), the default; or, for a
   * service whose handlers pass it on themselves (`traceOf(request)`), only kept with the request,
   * so that the process never pays for AsyncLocalStorage (see `inTraceSync`).
   */
  ambient?: boolean;
}

/**
 * Each HTTP request is handled as a span of the caller's trace (its `traceparent` header) or of a new
 * one, so what the request publishes to Kafka and logs carries that trace. With OpenTelemetry on, the
 * span is exported when the response is sent (see otel.ts).
 */
export function traceHttp(fastify: FastifyInstance, options: TraceHttpOptions = {}): void {
  const ambient = options.ambient ?? true;
  const spans = new WeakMap<FastifyRequest, OpenSpan>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.traceparent;
    const span = startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      'server',
      parseTraceparent(Array.isArray(header) ? header[0] : header),
      { 'http.request.method': request.method },
    );
    if (span.recording) spans.set(request, span);
    requestTraces.set(request, span.ids);
    if (ambient) runInSpan(span.ids, done);
    else done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.end('aborted by the client');
    spans.delete(request);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    spans.get(request)?.end(reply.statusCode >= 500 ? `answered ${reply.statusCode}` : undefined);
    done();
  });
}
