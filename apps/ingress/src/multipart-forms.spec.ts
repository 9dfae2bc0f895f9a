import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpErrorFilter, refuseUnstorableInput } from '@smsgate/runtime';
import { registerMultipartForms } from './multipart-forms';

@Controller('c/ex')
class EchoController {
  @Post('receive')
  receive(@Body() body: unknown) {
    return { body };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const BOUNDARY = 'X-BOUNDARY-1234';
const form = (fields: [string, string][], end = `--${BOUNDARY}--\r\n`) =>
  fields
    .map(
      ([name, value]) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('') + end;

describe('multipart forms on ingress', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter(), {
      logger: false,
    });
    refuseUnstorableInput(app.getHttpAdapter().getInstance());
    await registerMultipartForms(app);
    app.useGlobalFilters(new HttpErrorFilter());
    await app.init();
  });

  afterAll(() => app.close());

  const post = (payload: string, type: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/c/ex/receive',
        payload,
        headers: { 'content-type': type },
      });

  it('puts the fields in the body, a repeated field as a list', async () => {
    const response = await post(
      form([
        ['from', '+254712345678'],
        ['text', 'habari'],
        ['tag', 'a'],
        ['tag', 'b'],
      ]),
      `multipart/form-data; boundary=${BOUNDARY}`,
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ body: { from: '+254712345678', text: 'habari', tag: ['a', 'b'] } });
  });

  it.each([
    ['without a boundary', form([['text', 'x']]), 'multipart/form-data'],
    ['with a boundary parameter but no value', form([['text', 'x']]), 'multipart/form-data; boundary'],
  ])('answers a body %s with 400 and a reason (it was a 500)', async (_case, payload, type) => {
    const response = await post(payload, type);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/^malformed multipart\/form-data body: /);
  });

  it.each([
    ['cut short', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="text"\r\n\r\nhabari`],
    ['with a malformed part header', `--${BOUNDARY}\r\n\u0001\u0002garbage\r\n\r\n`],
    ['that is not multipart at all', 'from=%2B254712345678&text=hi'],
    ['with an empty boundary', form([['text', 'x']])],
  ])('answers a body %s below 500', async (_case, payload) => {
    const response = await post(payload, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('refuses a field longer than the field limit with 413 instead of cutting it short', async () => {
    const response = await post(
      form([['text', 'x'.repeat(70_000)]]),
      `multipart/form-data; boundary=${BOUNDARY}`,
    );
    expect(response.statusCode).toBe(413);
    expect(response.json<{ message: string }>().message).toBe('text: longer than 65536 bytes');
  });

  it('refuses files', async () => {
    const payload = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`;
    const response = await post(payload, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(response.statusCode).toBe(413);
  });

  it('refuses NUL in a multipart field, as everywhere', async () => {
    const response = await post(form([['text', 'in\u0000nul']]), `multipart/form-data; boundary=${BOUNDARY}`);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/^text: must not contain NUL/);
  });
});
