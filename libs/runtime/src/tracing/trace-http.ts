import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpenSpan, parseTraceparent, runInSpan, startSpan } from './trace-context';

/**
 * Each HTTP request is handled as a span of the caller's trace (its `traceparent` header) or of a new
 * one, so what the request publishes to Kafka and logs carries that trace. With OpenTelemetry on, the
 * span is exported when the response is sent (see otel.ts).
 */
export function traceHttp(fastify: FastifyInstance): void {
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
    runInSpan(span.ids, done);
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
