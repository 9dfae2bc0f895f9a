import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpErrorFilter, refuseUnstorableInput } from '@smsgate/runtime';
import { registerXmlBodies } from './xml-bodies';

@Controller()
class EchoController {
  @Post('c/ex/receive')
  receive(@Body() body: unknown) {
    return { body };
  }

  @Post('v1/messages')
  send(@Body() body: unknown) {
    return { body };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('XML bodies on ingress', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter(), {
      logger: false,
    });
    refuseUnstorableInput(app.getHttpAdapter().getInstance());
    registerXmlBodies(app);
    app.useGlobalFilters(new HttpErrorFilter());
    await app.init();
  });

  afterAll(() => app.close());

  const post = (url: string, payload: string, type: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url, payload, headers: { 'content-type': type } });

  it.each([
    'text/xml; charset=utf-8',
    'application/xml',
    'application/soap+xml; charset=utf-8',
    'application/vnd.acme+xml',
  ])('hands a provider route the %s body as its text', async (type) => {
    const xml = '<m><f>+254712345678</f><t>ñ</t></m>';
    const response = await post('/c/ex/receive', xml, type);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ body: xml });
  });

  it('answers 413 for an XML body over 100,000 bytes', async () => {
    const response = await post('/c/ex/receive', `<m>${'x'.repeat(100_000)}</m>`, 'text/xml');
    expect(response.statusCode).toBe(413);
  });

  it('refuses a NUL in an XML body with the edge’s 400', async () => {
    const response = await post('/c/ex/receive', '<m>a\u0000b</m>', 'text/xml');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ message: expect.stringContaining('must not contain NUL') });
  });

  it('keeps XML off every other route with a 415', async () => {
    const response = await post('/v1/messages', '<m/>', 'application/xml');
    expect(response.statusCode).toBe(415);
  });
});
