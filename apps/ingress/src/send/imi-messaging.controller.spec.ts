import { HttpException } from '@nestjs/common';
import type { WorkspaceKeys } from '@smsgate/auth';
import { EventPublisher } from '@smsgate/kafka';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { ChannelsService } from '../channels/channels.service';
import { ImiMessagingController, imiErrorBody } from './imi-messaging.controller';
import type { IngressConfig } from '../config';
import { SendMessages } from './send-messages.use-case';
import type { SendRequestsStore } from './send-requests.store';
import type { SmartlinksRepository } from '@smsgate/db';
import { SmartlinkSends } from '../smartlinks/smartlink-sends';

const WORKSPACE = { id: '0190a3c2-1111-7aaa-8bbb-000000000001', name: 'imi' };

/** The real send path down to the publisher, which validates each event against its contract. */
function controller() {
  const keys = { resolve: () => Promise.resolve(WORKSPACE) } as unknown as WorkspaceKeys;
  const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka);
  const published = jest.spyOn(publisher, 'publishRaw').mockResolvedValue();
  // Requests without an Idempotency-Key or correlation id never reach the store.
  const send = new SendMessages(
    {} as ChannelsService,
    publisher,
    {} as SendRequestsStore,
    {
      KAFKA_PUBLISH_TIMEOUT_MS: 10_000,
    } as IngressConfig,
  );
  const reply = { header: () => reply, status: () => reply } as unknown as FastifyReply;
  // Without smartlinks a request never reaches their repository: an empty one proves it.
  const links = new SmartlinkSends(
    {} as SmartlinksRepository,
    { publicUrl: 'https://sms.example' } as IngressConfig,
  );
  const controller = new ImiMessagingController(keys, send, links);
  return {
    imi: {
      send: (key: string, body: unknown) =>
        controller.send(key, undefined, body, reply, {} as unknown as FastifyRequest),
    },
    published,
  };
}

const request = (sms: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  deliverychannel: 'sms',
  channels: { sms: { text: 'habari', ...sms } },
  destination: [{ msisdn: ['254712345678'] }],
  ...extra,
});

/** The IMIconnect-shaped 400 the call was refused with. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected an HttpException, got ${String(error)}`);
  return { status: error.getStatus(), body: error.getResponse() };
}

describe('IMIconnect messaging API validation', () => {
  it('sends a valid request', async () => {
    const { imi, published } = controller();
    const answer = await imi.send('key', request({ senderid: 'smsgate' }));
    expect(answer.response).toEqual([expect.objectContaining({ code: '1001', description: 'Queued' })]);
    expect(published).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'text over 10,000 characters',
      request({ text: 'x'.repeat(10_001) }),
      "param 'text' is longer than 10000 characters",
    ],
    [
      'a senderid over 32',
      request({ senderid: 's'.repeat(33) }),
      "param 'senderid' is longer than 32 characters",
    ],
    [
      'a correlationid over 128',
      request({}, { correlationid: 'c'.repeat(129) }),
      "param 'correlationid' is longer than 128 characters",
    ],
    [
      'notifydata over 1,024',
      request({}, { notifydata: 'd'.repeat(1_025) }),
      "param 'notifydata' is longer than 1024 characters",
    ],
    [
      'a notifyurl that is not a URL',
      request({}, { notifyurl: 'not a url' }),
      "param 'notifyurl' must be an http(s) URL",
    ],
    [
      'a destination correlationid over 128',
      request({}, { destination: [{ msisdn: ['254712345678'], correlationid: 'c'.repeat(129) }] }),
      "param 'correlationid' is longer than 128 characters",
    ],
    [
      'an expiry in year 10000 (UTC)',
      request({}, { expiry: '9999-12-31T23:00:00-05:00' }),
      "param 'expiry' is not a date",
    ],
  ])('answers %s with 400 code 7003 (it was {"code":"500"})', async (_case, body, description) => {
    const { imi, published } = controller();
    expect(await refusal(imi.send('key', body))).toEqual({
      status: 400,
      body: { response: [{ code: '7003', description }] },
    });
    expect(published).not.toHaveBeenCalled();
  });

  it('answers a batch holding something other than an object with 400 code 7000 (null crashed it)', async () => {
    const { imi } = controller();
    expect(await refusal(imi.send('key', [request({}), null]))).toEqual({
      status: 400,
      body: { response: [{ code: '7000', description: 'Invalid JSON: each request must be an object' }] },
    });
  });

  it('answers a field the edge check refused with code 7003, other 400s with 7000', () => {
    const req = { url: '/resources/v1/messaging' } as FastifyRequest;
    const reason = 'channels.sms.text: must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';
    expect(imiErrorBody(req, 400, reason, { message: reason, field: 'channels.sms.text' })).toEqual({
      response: [{ code: '7003', description: reason }],
    });
    expect(imiErrorBody(req, 400, 'Body is not valid JSON', { message: 'x' })).toEqual({
      response: [{ code: '7000', description: 'Invalid JSON: Body is not valid JSON' }],
    });
  });
});
