import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Returns the error body for a request whose route has its own error format, else undefined. */
export type ErrorBodyShaper = (
  request: FastifyRequest,
  status: number,
  reason: string,
  body?: object,
) => unknown;

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

/**
 * Every error leaves as JSON with a reason. Client mistakes keep their 4xx (including the body parser's:
 * malformed JSON, unsupported media type, body too large) and a deliberate 503 keeps its reason;
 * anything else is logged and answered with a 500 that reveals nothing.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly shape?: ErrorBodyShaper) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (error instanceof HttpException && error.getStatus() < 500) {
      const body = error.getResponse();
      const reason = typeof body === 'string' ? body : reasonOf(body, error.message);
      this.send(request, reply, error.getStatus(), reason, typeof body === 'string' ? undefined : body);
      return;
    }
    if (error instanceof HttpException && error.getStatus() === 503) {
      this.send(request, reply, 503, reasonOf(error.getResponse() as object, error.message));
      return;
    }
    if (isFastifyClientError(error)) {
      this.send(request, reply, error.statusCode, error.message);
      return;
    }
    // Anything else is ours to fix: logged in full, answered without detail.
    this.logger.error(error instanceof Error ? error : String(error));
    this.send(request, reply, 500, 'internal error');
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

/** Nest bodies carry `message` as a string, or as a list of strings from validation pipes. */
function reasonOf(body: object, fallback: string): string {
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return fallback;
}
