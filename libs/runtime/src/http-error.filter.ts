import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dependencyFailure, errorLabel } from './http/dependency-errors';
import { LogBudget } from './http/log-budget';
import { inTraceSync } from './tracing/trace-context';
import { traceOf } from './tracing/trace-http';

/** Returns the error body for a request whose route has its own error format, else undefined. */
export type ErrorBodyShaper = (
  request: FastifyRequest,
  status: number,
  reason: string,
  body?: object,
) => unknown;

export interface HttpErrorFilterOptions {
  /** Lines per interval for each kind of error (client, unavailable, internal); default 20 per 10 s. */
  logLines?: number;
  logIntervalMs?: number;
  /** Seconds a 503 asks the client to wait (`Retry-After`); default 5. */
  retryAfterSeconds?: number;
  now?: () => number;
}

interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

/** Fastify's own request errors (malformed JSON, unsupported media type, body too large, …). */
const isFastifyClientError = (error: unknown): error is FastifyClientError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as FastifyClientError).code === 'string' &&
  (error as FastifyClientError).code.startsWith('FST_') &&
  typeof (error as FastifyClientError).statusCode === 'number' &&
  (error as FastifyClientError).statusCode >= 400 &&
  (error as FastifyClientError).statusCode < 500;

const DATABASE_UNAVAILABLE = 'the database is unavailable right now; retry shortly';
const CONFLICT = 'a concurrent change to the same resource won; read it again and retry';

/**
 * Every error leaves as JSON with a reason. Client mistakes keep their 4xx (including the body parser's:
 * malformed JSON, unsupported media type, body too large); a dependency that cannot serve (PostgreSQL
 * down, restarting, out of connections) and a deliberate 503 answer 503 with `Retry-After`; a race lost
 * in PostgreSQL (unique or foreign-key violation, serialization failure, deadlock) answers 409. Anything
 * else is logged and answered with a 500 that reveals nothing.
 *
 * Client errors and 503s are logged as one line (method, route, status, reason), without a stack; every
 * kind of line is rate-limited, with the count of lines dropped, so nobody can flood the logs.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  private readonly budgets: Record<'client' | 'unavailable' | 'internal', LogBudget>;
  private readonly retryAfter: string;

  constructor(
    private readonly shape?: ErrorBodyShaper,
    options: HttpErrorFilterOptions = {},
  ) {
    const budget = () => new LogBudget(options.logLines ?? 20, options.logIntervalMs ?? 10_000, options.now);
    this.budgets = { client: budget(), unavailable: budget(), internal: budget() };
    this.retryAfter = String(options.retryAfterSeconds ?? 5);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    // Its lines name the request's trace also where that is not ambient (see traceHttp).
    inTraceSync(traceOf(request), () => this.answer(error, request, reply));
  }

  private answer(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (error instanceof HttpException && error.getStatus() < 500) {
      const body = error.getResponse();
      const reason = typeof body === 'string' ? body : reasonOf(body, error.message);
      this.logClientError(request, error.getStatus(), reason);
      this.send(request, reply, error.getStatus(), reason, typeof body === 'string' ? undefined : body);
      return;
    }
    if (error instanceof HttpException && error.getStatus() === 503) {
      const body = error.getResponse();
      const reason = typeof body === 'string' ? body : reasonOf(body, error.message);
      this.unavailable(request, reply, reason, error.constructor.name);
      return;
    }
    if (isFastifyClientError(error)) {
      this.logClientError(request, error.statusCode, error.message);
      this.send(request, reply, error.statusCode, error.message);
      return;
    }
    const failure = dependencyFailure(error);
    if (failure === 'unavailable') {
      this.unavailable(request, reply, DATABASE_UNAVAILABLE, errorLabel(error));
      return;
    }
    if (failure === 'conflict') {
      this.logClientError(request, 409, `${CONFLICT} (${errorLabel(error)})`);
      this.send(request, reply, 409, CONFLICT);
      return;
    }
    // Anything else is ours to fix: logged in full, answered without detail.
    const dropped = this.budgets.internal.take();
    if (dropped !== undefined) {
      this.logger.error(error instanceof Error ? error : String(error));
      if (dropped > 0) this.logger.error(`${dropped} more internal errors were not logged`);
    }
    this.send(request, reply, 500, 'internal error');
  }

  private unavailable(request: FastifyRequest, reply: FastifyReply, reason: string, cause: string): void {
    const dropped = this.budgets.unavailable.take();
    if (dropped !== undefined) this.logger.warn(`${line(request, 503, reason)} (${cause})${more(dropped)}`);
    if (!reply.hasHeader('retry-after')) void reply.header('Retry-After', this.retryAfter);
    this.send(request, reply, 503, reason);
  }

  private logClientError(request: FastifyRequest, status: number, reason: string): void {
    const dropped = this.budgets.client.take();
    if (dropped !== undefined) this.logger.log(`${line(request, status, reason)}${more(dropped)}`);
  }

  private send(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    reason: string,
    body?: object,
  ): void {
    const shaped = this.shape?.(request, status, reason, body);
    void reply.status(status).send(shaped ?? body ?? { statusCode: status, message: reason });
  }
}

/** `POST /v1/channels/:uuid 400: name: …`: the route's pattern, never its values (ids, query). */
function line(request: FastifyRequest, status: number, reason: string): string {
  const route = request.routeOptions?.url ?? 'unmatched';
  return `${request.method} ${route} ${status}: ${reason.slice(0, 300)}`;
}

const more = (dropped: number): string => (dropped > 0 ? ` (${dropped} similar lines not logged)` : '');

/** Nest bodies carry `message` as a string, or as a list of strings from validation pipes. */
function reasonOf(body: object, fallback: string): string {
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return fallback;
}
