import type { FastifyInstance } from 'fastify';
import { runInTrace } from './trace-context';

/**
 * Each HTTP request is handled as a span of the caller's trace (its `traceparent` header) or of a new
 * one, so what the request publishes to Kafka and logs carries that trace.
 */
export function traceHttp(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.traceparent;
    runInTrace(Array.isArray(header) ? header[0] : header, done);
  });
}
