import { outgoingTraceparent } from '@smsgate/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForwardedRoute, forwardedRoutes, Upstream } from './forwarded.routes';

const PASSED_REQUEST_HEADERS = [
  'authorization',
  'accept',
  'content-type',
  'idempotency-key',
  'x-smsgate-workspace',
] as const;
const PASSED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'location'] as const;

export interface GatewayOptions {
  upstreams: Record<Upstream, string>;
  timeoutMs: number;
  bodyLimitBytes: number;
  routes?: readonly ForwardedRoute[];
}

/**
 * Serves `forwardedRoutes` by passing each request on to the service that owns it (see there). Bodies go
 * on as the bytes received (no parsing here: the owner validates them). An owner that cannot be reached
 * is a 502 naming it, one that does not answer in time a 504: the request may still have been acted on,
 * so neither says to retry.
 */
export function serveForwardedRoutes(fastify: FastifyInstance, options: GatewayOptions): void {
  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
      (_request, body, done) => done(null, body),
    );
    for (const route of options.routes ?? forwardedRoutes) {
      const base = options.upstreams[route.to].replace(/\/+$/, '');
      scope.route({
        method: route.method,
        url: route.path,
        handler: (request, reply) => forward(request, reply, route.to, base, options.timeoutMs),
      });
    }
  });
}

async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  upstream: Upstream,
  base: string,
  timeoutMs: number,
): Promise<void> {
  const headers: Record<string, string> = { traceparent: outgoingTraceparent() };
  for (const name of PASSED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
  let answer: Response;
  try {
    answer = await fetch(`${base}${request.url}`, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const status = timedOut ? 504 : 502;
    await reply.status(status).send({
      statusCode: status,
      error: timedOut ? 'Gateway Timeout' : 'Bad Gateway',
      message: timedOut
        ? `${upstream} did not answer within ${timeoutMs} ms; the request may still have been acted on: check before repeating it`
        : `${upstream} cannot be reached right now`,
    });
    return;
  }
  reply.status(answer.status);
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  await reply.send(Buffer.from(await answer.arrayBuffer()));
}
