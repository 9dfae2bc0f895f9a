import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpErrorFilter } from '../http-error.filter';
import { inputProblem, MAX_INPUT_DEPTH, refuseUnstorableInput } from './input-check';

describe('inputProblem', () => {
  it.each([
    ['NUL in a field', { text: 'a\u0000b' }, 'text: must not contain NUL'],
    ['a lone high surrogate', { text: 'a\ud800' }, 'text: must not contain NUL'],
    ['a lone low surrogate', { text: '\udc00b' }, 'text: must not contain NUL'],
    ['a nested field', { channels: { sms: { text: 'x\u0000' } } }, 'channels.sms.text: must'],
    ['an array item', { to: ['+1', { to: '\u0000' }] }, 'to.1.to: must'],
    ['a field name', { config: { 'a\u0000b': 1 } }, 'config.a\ufffdb: the field name must'],
    ['a string body', 'a\u0000', 'body: must'],
  ])('names %s', (_case, value, expected) => {
    expect(inputProblem(value)).toContain(expected);
  });

  it('accepts paired surrogates (emoji), other control characters, numbers, nulls and buffers', () => {
    expect(
      inputProblem({ text: '😀 \u0001\t', n: 1, z: null, b: true, list: ['é'], buf: Buffer.from([0]) }),
    ).toBeUndefined();
  });

  it('refuses nesting deeper than the limit, and accepts it up to the limit', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nest(levels - 1) });
    expect(inputProblem(nest(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(inputProblem(nest(MAX_INPUT_DEPTH + 1))).toMatch(/nested more than 32 levels deep/);
  });

  it('stays bounded on input nested far deeper than the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inputProblem({ deep })).toMatch(/^deep(\.0)+: nested more than/);
  });
});

@Controller()
class EchoController {
  @Post('items/:id')
  create(@Param('id') id: string, @Body() body: unknown) {
    return { id, body };
  }

  @Get('items')
  list(@Query() query: unknown) {
    return { query };
  }
}

@Controller('c')
class ShapedController {
  @Post(':id/receive')
  receive(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [EchoController, ShapedController] })
class EchoModule {}

describe('refuseUnstorableInput on a Nest app', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter(), {
      logger: false,
    });
    refuseUnstorableInput(app.getHttpAdapter().getInstance());
    app.useGlobalFilters(
      new HttpErrorFilter((request, status, reason) =>
        request.url.startsWith('/c/') ? { errors: [reason], status } : undefined,
      ),
    );
    await app.init();
  });

  afterAll(() => app.close());

  const inject = (options: { method: 'GET' | 'POST'; url: string; payload?: string; type?: string }) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: options.method,
        url: options.url,
        payload: options.payload,
        headers: options.type ? { 'content-type': options.type } : {},
      });

  const FORM = 'application/x-www-form-urlencoded';
  const post = (url: string, payload: string, type = 'application/json') =>
    inject({ method: 'POST', url, payload, type });

  it('refuses NUL in a JSON body with a 400 naming the field', async () => {
    const response = await post('/items/1', '{"text":"a\\u0000b"}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'text: must not contain NUL (U+0000) or an unpaired UTF-16 surrogate',
      field: 'text',
    });
  });

  it.each([
    [
      'a lone surrogate in a JSON body',
      () => post('/items/1', '{"to":[{"name":"\\ud83d"}]}'),
      /^to\.0\.name: must not contain/,
    ],
    [
      'NUL in a urlencoded body',
      () => post('/items/1', 'text=in%00nul', FORM),
      /^text: must not contain NUL/,
    ],
    [
      'NUL in a query parameter',
      () => inject({ method: 'GET', url: '/items?to=%2B1%00' }),
      /^query parameter to: must not contain NUL/,
    ],
    ['NUL in a path parameter', () => post('/items/a%00b', '{}'), /^path parameter id: must not contain NUL/],
  ])('refuses %s with a 400 naming where it is', async (_case, send, message) => {
    const response = await send();
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(message);
  });

  it("answers in the route's own error shape", async () => {
    const response = await post('/c/1/receive', 'text=in%00nul', FORM);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      errors: [expect.stringMatching(/^text: must not contain NUL/)],
      status: 400,
    });
  });

  it('lets storable input through unchanged', async () => {
    const response = await post('/items/1', JSON.stringify({ text: 'habari 😀', n: 2 }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: '1', body: { text: 'habari 😀', n: 2 } });
  });
});
