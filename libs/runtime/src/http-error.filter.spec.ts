import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ErrorBodyShaper, HttpErrorFilter } from './http-error.filter';

interface Sent {
  status: number;
  body: unknown;
}

const fakeHttp = () => {
  const request = { url: '/c/ex/123/receive', method: 'POST' } as FastifyRequest;
  const status = jest.fn();
  const send = jest.fn();
  const reply = { status, send };
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
    return { status: status.mock.calls[0]?.[0] as number, body: send.mock.calls[0]?.[0] };
  };
  return { request, host, sent };
};

/** An error as Fastify's body parser throws it: an Error with a statusCode and a code. */
const fastifyError = (statusCode: number, code: string, message: string): Error =>
  Object.assign(new Error(message), { statusCode, code });

const handle = (error: unknown, shape?: ErrorBodyShaper) => {
  const http = fakeHttp();
  new HttpErrorFilter(shape).catch(error, http.host);
  return { ...http.sent(), request: http.request };
};

describe('HttpErrorFilter', () => {
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logError.mockRestore();
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

    it('does not log a client error', () => {
      handle(new NotFoundException());
      expect(logError).not.toHaveBeenCalled();
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
});
