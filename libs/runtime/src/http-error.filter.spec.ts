import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ErrorBodyShaper, HttpErrorFilter } from './http-error.filter';

interface Sent {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const fakeHttp = () => {
  const request = {
    url: '/c/ex/123/receive?from=%2B254700000001',
    method: 'POST',
    routeOptions: { url: '/c/ex/:uuid/receive' },
  } as FastifyRequest;
  const status = jest.fn();
  const send = jest.fn();
  const headers: Record<string, string> = {};
  const header = jest.fn();
  const hasHeader = (name: string) => name.toLowerCase() in headers;
  const reply = { status, send, header, hasHeader };
  header.mockImplementation((name: string, value: string) => {
    headers[name.toLowerCase()] = value;
    return reply;
  });
  status.mockReturnValue(reply);
  send.mockReturnValue(reply);
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  /** The one status and body the filter sent; fails if it sent none or more than one. */
  const sent = (): Sent => {
    expect(status).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(status.mock.invocationCallOrder[0]).toBeLessThan(send.mock.invocationCallOrder[0] ?? 0);
    return { status: status.mock.calls[0]?.[0] as number, body: send.mock.calls[0]?.[0], headers };
  };
  return { request, host, sent };
};

/** An error as Fastify's body parser throws it: an Error with a statusCode and a code. */
const fastifyError = (statusCode: number, code: string, message: string): Error =>
  Object.assign(new Error(message), { statusCode, code });

const handle = (error: unknown, shape?: ErrorBodyShaper, filter = new HttpErrorFilter(shape)) => {
  const http = fakeHttp();
  filter.catch(error, http.host);
  return { ...http.sent(), request: http.request };
};

describe('HttpErrorFilter', () => {
  let logError: jest.SpyInstance;
  let logWarn: jest.SpyInstance;
  let logInfo: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    logWarn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    logInfo = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('HttpException', () => {
    it('keeps the status and the body Nest built', () => {
      expect(handle(new NotFoundException('channel 123 not found'))).toMatchObject({
        status: 404,
        body: { statusCode: 404, message: 'channel 123 not found', error: 'Not Found' },
      });
    });

    it('keeps a validation body whose message is a list', () => {
      const body = {
        statusCode: 400,
        message: ['name must be a string', 'type is required'],
        error: 'Bad Request',
      };
      expect(handle(new BadRequestException(body.message))).toMatchObject({ status: 400, body });
    });

    it('keeps a custom object body as it is', () => {
      const body = { code: 'duplicate', detail: 'already received' };
      expect(handle(new HttpException(body, HttpStatus.CONFLICT))).toMatchObject({ status: 409, body });
    });

    it('answers a string body with statusCode and message', () => {
      expect(handle(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS))).toMatchObject({
        status: 429,
        body: { statusCode: 429, message: 'slow down' },
      });
    });

    it('logs a client error as one line (method, route pattern, status, reason), without a stack', () => {
      handle(new BadRequestException('text: must not contain NUL'));
      expect(logError).not.toHaveBeenCalled();
      expect(logWarn).not.toHaveBeenCalled();
      expect(logInfo).toHaveBeenCalledTimes(1);
      expect(logInfo).toHaveBeenCalledWith('POST /c/ex/:uuid/receive 400: text: must not contain NUL');
    });
  });

  describe('errors with a 4xx statusCode, as the body parser throws them', () => {
    it.each([
      [
        400,
        'FST_ERR_CTP_INVALID_JSON_BODY',
        "Body is not valid JSON but content-type is set to 'application/json'",
      ],
      [413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'],
      [415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type: text/xml'],
    ])('keeps status %i and the message', (statusCode, code, message) => {
      expect(handle(fastifyError(statusCode, code, message))).toMatchObject({
        status: statusCode,
        body: { statusCode, message },
      });
      expect(logError).not.toHaveBeenCalled();
    });

    it('keeps a 4xx from a fastify error object that is not an Error', () => {
      expect(
        handle({ code: 'FST_ERR_NOT_FOUND', statusCode: 404, message: 'Route POST:/nope not found' }),
      ).toMatchObject({
        status: 404,
        body: { statusCode: 404, message: 'Route POST:/nope not found' },
      });
    });

    it("does not trust a 4xx statusCode on errors that are not fastify's (an upstream SDK error)", () => {
      expect(handle({ statusCode: 401, message: 'aggregator said: bad credentials' })).toMatchObject({
        status: 500,
        body: { statusCode: 500, message: 'internal error' },
      });
    });
  });

  describe('unexpected errors', () => {
    const internal = { status: 500, body: { statusCode: 500, message: 'internal error' } };

    it('answers 500 "internal error" without the message, and logs the error', () => {
      const error = new Error('password authentication failed for user "smsgate"');
      const result = handle(error);
      expect(result).toMatchObject(internal);
      expect(JSON.stringify(result.body)).not.toContain('password');
      expect(logError).toHaveBeenCalledWith(error);
    });

    it.each([
      ['a 500', fastifyError(500, 'FST_ERR_X', 'pool exhausted at 10.0.0.5')],
      ['a 503', fastifyError(503, 'FST_ERR_X', 'upstream down at 10.0.0.5')],
      ['a 3xx', fastifyError(302, 'FST_ERR_X', 'redirect to 10.0.0.5')],
      ['a string', { statusCode: '400', message: 'at 10.0.0.5' }],
    ])('treats an error with %s statusCode as unexpected', (_case, error) => {
      const result = handle(error);
      expect(result).toMatchObject(internal);
      expect(JSON.stringify(result.body)).not.toContain('10.0.0.5');
      expect(logError).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['a string', 'boom at 10.0.0.5'],
      ['null', null],
      ['undefined', undefined],
    ])('answers 500 when %s is thrown, and logs it as text', (_case, thrown) => {
      expect(handle(thrown)).toMatchObject(internal);
      expect(logError).toHaveBeenCalledWith(String(thrown));
    });
  });

  describe('with a body shaper', () => {
    const rapidProShape: ErrorBodyShaper = (_request, status, reason) => ({ errors: [reason], status });

    it('sends the shaped body for an HttpException, with the status kept', () => {
      const shape = jest.fn(rapidProShape);
      const { status, body, request } = handle(new PayloadTooLargeException('too big'), shape);
      expect(shape).toHaveBeenCalledWith(request, 413, 'too big', expect.anything());
      expect({ status, body }).toEqual({ status: 413, body: { errors: ['too big'], status: 413 } });
    });

    it('joins the messages of a validation body into one reason', () => {
      const shape = jest.fn(rapidProShape);
      handle(new BadRequestException(['from is required', 'text too long']), shape);
      expect(shape).toHaveBeenCalledWith(
        expect.anything(),
        400,
        'from is required; text too long',
        expect.anything(),
      );
    });

    it('falls back to the exception message when the body has no message', () => {
      const shape = jest.fn(rapidProShape);
      const error = new HttpException({ code: 'duplicate' }, HttpStatus.CONFLICT);
      handle(error, shape);
      expect(shape).toHaveBeenCalledWith(expect.anything(), 409, error.message, expect.anything());
    });

    it('sends the shaped body for a body-parser error', () => {
      expect(
        handle(
          fastifyError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type: text/xml'),
          rapidProShape,
        ),
      ).toMatchObject({ status: 415, body: { errors: ['Unsupported Media Type: text/xml'], status: 415 } });
    });

    it('gives the shaper "internal error", never the message of an unexpected error', () => {
      const shape = jest.fn(rapidProShape);
      const result = handle(new Error('secret detail'), shape);
      expect(shape).toHaveBeenCalledWith(expect.anything(), 500, 'internal error', undefined);
      expect(result).toMatchObject({ status: 500, body: { errors: ['internal error'], status: 500 } });
    });

    it('falls back to the usual body when the shaper returns undefined for the route', () => {
      const shape = jest.fn<unknown, Parameters<ErrorBodyShaper>>(() => undefined);
      expect(handle(new NotFoundException('channel 123 not found'), shape)).toMatchObject({
        status: 404,
        body: { statusCode: 404, message: 'channel 123 not found', error: 'Not Found' },
      });
      expect(handle(new Error('secret detail'), shape)).toMatchObject({
        status: 500,
        body: { statusCode: 500, message: 'internal error' },
      });
    });
  });

  describe('a dependency that cannot serve', () => {
    /** Errors as node-postgres, pg-pool and TypeORM raise them when PostgreSQL is down or refusing. */
    const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });
    const typeormError = (driverError: Error) =>
      Object.assign(new Error(driverError.message), {
        ...driverError,
        name: 'QueryFailedError',
        driverError,
      });

    it.each([
      [
        'connection refused',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ],
      [
        'a refused connection to every address',
        new AggregateError([sqlError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], 'x'),
      ],
      ['connection terminated', new Error('Connection terminated unexpectedly')],
      ['the pool timing out', new Error('timeout exceeded when trying to connect')],
      ['the connect timeout', new Error('Connection terminated due to connection timeout')],
      ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
      ['08006 connection_failure', typeormError(sqlError('08006', 'connection failure'))],
      [
        '57P01 admin_shutdown',
        typeormError(sqlError('57P01', 'terminating connection due to administrator command')),
      ],
      ['57P03 cannot_connect_now', sqlError('57P03', 'the database system is starting up')],
      ['53300 too_many_connections', sqlError('53300', 'sorry, too many clients already')],
      [
        'TypeORM not connected',
        Object.assign(new Error('Cannot execute operation'), { name: 'CannotExecuteNotConnectedError' }),
      ],
      ['a cause chain', new Error('query failed', { cause: sqlError('57P02', 'crash shutdown') })],
    ])('answers 503 with Retry-After and a reason for %s, logging one warning line', (_case, error) => {
      const result = handle(error);
      expect(result).toMatchObject({
        status: 503,
        body: { statusCode: 503, message: 'the database is unavailable right now; retry shortly' },
        headers: { 'retry-after': '5' },
      });
      expect(logError).not.toHaveBeenCalled();
      expect(logWarn).toHaveBeenCalledTimes(1);
      expect(logWarn.mock.calls[0]?.[0]).toMatch(/^POST \/c\/ex\/:uuid\/receive 503: /);
    });

    it('adds Retry-After to a deliberate 503 and keeps its reason', () => {
      expect(
        handle(new ServiceUnavailableException('temporarily unable to accept messages, retry')),
      ).toMatchObject({
        status: 503,
        body: { statusCode: 503, message: 'temporarily unable to accept messages, retry' },
        headers: { 'retry-after': '5' },
      });
    });

    it('gives the shaper the 503 and its reason', () => {
      const shape = jest.fn(() => ({ detail: 'shaped' }));
      const result = handle(new Error('Connection terminated unexpectedly'), shape);
      expect(shape).toHaveBeenCalledWith(
        expect.anything(),
        503,
        expect.stringContaining('database'),
        undefined,
      );
      expect(result).toMatchObject({ status: 503, body: { detail: 'shaped' } });
    });

    it('does not take a data error for an outage', () => {
      expect(handle(sqlError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toMatchObject({
        status: 500,
      });
    });
  });

  describe('a race lost in PostgreSQL', () => {
    it.each([
      ['23505', 'duplicate key value violates unique constraint "x"'],
      ['23503', 'insert or update violates foreign key constraint "y"'],
      ['40001', 'could not serialize access due to concurrent update'],
      ['40P01', 'deadlock detected'],
    ])('answers %s with 409 and a reason that names no constraint', (code, message) => {
      const result = handle(Object.assign(new Error(message), { code }));
      expect(result).toMatchObject({ status: 409, body: { statusCode: 409 } });
      expect(JSON.stringify(result.body)).not.toMatch(/constraint|"x"|"y"/);
      expect(logError).not.toHaveBeenCalled();
    });
  });

  describe('log volume', () => {
    it('writes at most the budget of client-error lines per interval, then says how many it dropped', () => {
      let now = 0;
      const filter = new HttpErrorFilter(undefined, { logLines: 3, logIntervalMs: 1_000, now: () => now });
      for (let i = 0; i < 10; i++) handle(new BadRequestException(`bad ${i}`), undefined, filter);
      expect(logInfo).toHaveBeenCalledTimes(3);
      now = 1_000;
      handle(new BadRequestException('bad again'), undefined, filter);
      expect(logInfo).toHaveBeenCalledTimes(4);
      expect(logInfo.mock.calls[3]?.[0]).toBe(
        'POST /c/ex/:uuid/receive 400: bad again (7 similar lines not logged)',
      );
    });

    it('limits internal errors and outages on their own budgets', () => {
      const filter = new HttpErrorFilter(undefined, { logLines: 2, logIntervalMs: 60_000 });
      for (let i = 0; i < 5; i++) handle(new Error(`bug ${i}`), undefined, filter);
      for (let i = 0; i < 5; i++) handle(new Error('Connection terminated unexpectedly'), undefined, filter);
      for (let i = 0; i < 5; i++) handle(new NotFoundException(), undefined, filter);
      expect(logError).toHaveBeenCalledTimes(2);
      expect(logWarn).toHaveBeenCalledTimes(2);
      expect(logInfo).toHaveBeenCalledTimes(2);
    });

    it('truncates a long reason in the log line', () => {
      handle(new BadRequestException('x'.repeat(5_000)));
      expect((logInfo.mock.calls[0]?.[0] as string).length).toBeLessThan(400);
    });
  });
});
