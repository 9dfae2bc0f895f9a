import { HttpException } from '@nestjs/common';
import type { OptOutsRepository } from '@smsgate/db';
import { PublishTimeoutError } from '@smsgate/kafka';
import { ringotelTemplate } from '@smsgate/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelsService } from '../channels/channels.service';
import type { AcceptInbound } from './accept-inbound.use-case';
import type { AcceptReport } from './accept-report.use-case';
import { InboundController } from './inbound.controller';

const CHANNEL_ID = '0190a5c6-1b2c-7d3e-8f40-123456789abc';
const MESSAGE_ID = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const RECEIVED_AT = new Date('2026-11-22T10:15:00Z');

function setUp(channelType = 'ex', config: Record<string, unknown> = {}) {
  const channel = {
    id: CHANNEL_ID,
    type: channelType,
    country: 'KE',
    config,
    workspaceId: 'w',
    address: null,
  };
  const findForInbound = jest.fn((_id: string, type: string) =>
    Promise.resolve(type === channelType ? channel : null),
  );
  const acceptInbound = { execute: jest.fn() };
  acceptInbound.execute.mockResolvedValue({
    messageId: MESSAGE_ID,
    receivedAt: RECEIVED_AT,
    duplicate: false,
  });
  const acceptReport = { execute: jest.fn().mockResolvedValue(undefined) };
  const optOuts = { stop: jest.fn().mockResolvedValue(undefined) };
  const controller = new InboundController(
    { findForInbound } as unknown as ChannelsService,
    acceptInbound as unknown as AcceptInbound,
    acceptReport as unknown as AcceptReport,
    optOuts as unknown as OptOutsRepository,
  );
  const headers = jest.fn();
  const post = (type: string, action: string, body: unknown, uuid = CHANNEL_ID, method = 'POST') => {
    const url = `/c/${type}/${uuid}/${action}`;
    const params = { type, uuid, action };
    const request = {
      method,
      url,
      params,
      query: {},
      body,
      raw: { method, url },
    } as unknown as FastifyRequest;
    const reply = { header: headers } as unknown as FastifyReply;
    return method === 'POST' ? controller.onPost(request, reply) : controller.onGet(request, reply);
  };
  const postToChannel = (type: string, body: unknown) => {
    const url = `/c/${type}/${CHANNEL_ID}`;
    const request = {
      method: 'POST',
      url,
      params: { type, uuid: CHANNEL_ID },
      query: {},
      body,
      raw: { method: 'POST', url },
    };
    const reply = { header: headers } as unknown as FastifyReply;
    return controller.onChannelPost(request as unknown as FastifyRequest, reply);
  };
  return { post, postToChannel, findForInbound, acceptInbound, acceptReport, optOuts, headers };
}

async function refusal(call: Promise<unknown>): Promise<{ status: number; message: unknown }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected an HttpException, got ${String(error)}`);
  return { status: error.getStatus(), message: (error.getResponse() as { message: unknown }).message };
}

describe('InboundController', () => {
  it.each([
    ['nope', 'receive', 'POST'],
    ['smpp', 'receive', 'POST'],
    ['imi', 'receive', 'GET'],
    ['imi', 'stopped', 'POST'],
    ['template', 'message', 'HEAD'],
  ])(
    'answers %s/%s over %s as Nest answers an unknown route, without looking the channel up',
    async (type, action, method) => {
      const { post, findForInbound } = setUp(type);
      expect(await refusal(post(type, action, {}, CHANNEL_ID, method))).toEqual({
        status: 404,
        message: `Cannot ${method} /c/${type}/${CHANNEL_ID}/${action}`,
      });
      expect(findForInbound).not.toHaveBeenCalled();
    },
  );

  it('takes a template event at the channel URL by the key in its body, and 404s types without one', async () => {
    const { postToChannel, findForInbound, acceptInbound } = setUp(
      'template',
      ringotelTemplate('https://api.example.com/webhook'),
    );
    const body = { method: 'message', params: { from: '+254712000001', content: 'habari' } };
    expect(await postToChannel('template', body)).toEqual({ status: 'accepted', id: MESSAGE_ID });
    expect(acceptInbound.execute).toHaveBeenCalledWith(
      expect.objectContaining({ from: '+254712000001', text: 'habari' }),
    );
    expect(await refusal(postToChannel('template', { method: 'typing' }))).toEqual({
      status: 400,
      message: `unknown event: 'method' is "typing" (this channel's events: message, file, delivered)`,
    });
    findForInbound.mockClear();
    expect(await refusal(postToChannel('ex', {}))).toEqual({
      status: 404,
      message: `Cannot POST /c/ex/${CHANNEL_ID}`,
    });
    expect(findForInbound).not.toHaveBeenCalled();
  });

  it("passes a template file event's URL on as the message's attachment, and 400s a bad one", async () => {
    const { post, acceptInbound } = setUp('template', ringotelTemplate('https://api.example.com/webhook'));
    const file = (url: string) => ({ method: 'file', params: { from: '+254712000001', text: 'pic', url } });
    expect(await post('template', 'file', file('https://cdn.example/a.jpg'))).toEqual({
      status: 'accepted',
      id: MESSAGE_ID,
    });
    expect(acceptInbound.execute).toHaveBeenCalledWith(
      expect.objectContaining({
        from: '+254712000001',
        text: 'pic',
        attachments: [{ url: 'https://cdn.example/a.jpg' }],
        metadata: { mediaUrl: 'https://cdn.example/a.jpg' },
      }),
    );
    acceptInbound.execute.mockClear();
    expect(await refusal(post('template', 'file', file('javascript:alert(1)')))).toEqual({
      status: 400,
      message: "'url' must be an http(s) URL of at most 2048 characters",
    });
    expect(acceptInbound.execute).not.toHaveBeenCalled();
  });

  it("refuses a type's unknown action with the type's 404 before looking the channel up", async () => {
    const { post, findForInbound } = setUp('ex');
    expect(await refusal(post('ex', 'bogus', {}))).toEqual({ status: 404, message: 'unknown action bogus' });
    expect(await refusal(post('ex', 'toString', {}))).toEqual({
      status: 404,
      message: 'unknown action toString',
    });
    expect(findForInbound).not.toHaveBeenCalled();
  });

  it('answers 404 for a channel that is not of the type, and 400 for fields the type refuses', async () => {
    const { post, findForInbound } = setUp('imi');
    expect(await refusal(post('ex', 'receive', {}))).toEqual({
      status: 404,
      message: `channel ${CHANNEL_ID} not found`,
    });
    expect(findForInbound).toHaveBeenCalledWith(CHANNEL_ID, 'ex');
    expect(await refusal(post('imi', 'receive', { message: 'hi' }))).toEqual({
      status: 400,
      message: "missing required field 'oa'",
    });
  });

  it("accepts a message on the channel and answers as the type's provider expects", async () => {
    const { post, acceptInbound } = setUp('imi');
    const answer = await post('imi', 'receive', { oa: '254712345678', message: 'hi', tid: 'T-1' });
    expect(answer).toEqual({ status: 'accepted', id: MESSAGE_ID });
    expect(acceptInbound.execute).toHaveBeenCalledWith(
      expect.objectContaining({
        channel: expect.objectContaining({ id: CHANNEL_ID }),
        channelType: 'imi',
        from: '+254712345678',
        text: 'hi',
        providerMessageId: 'T-1',
      }),
    );
  });

  it("answers an accepted message with the channel's mo_response as it is, in its content type", async () => {
    const soap = '<?xml version="1.0"?><return>0</return>';
    const { post, headers } = setUp('ex', { mo_response: soap, mo_response_content_type: 'text/xml' });
    expect(await post('ex', 'receive', { from: '+254712345678', text: 'hi' })).toBe(soap);
    expect(headers).toHaveBeenCalledWith('content-type', 'text/xml');
  });

  it('answers 503 when Kafka does not confirm an inbound message in time', async () => {
    const { post, acceptInbound } = setUp('ex');
    acceptInbound.execute.mockRejectedValue(new PublishTimeoutError(10));
    expect(await refusal(post('ex', 'receive', { from: '+254712345678', text: 'hi' }))).toMatchObject({
      status: 503,
    });
  });

  it('applies a report and records an opt-out, answering each as the type says', async () => {
    const { post, acceptReport, optOuts } = setUp('ex');
    expect(await post('ex', 'delivered', { id: MESSAGE_ID }, CHANNEL_ID, 'GET')).toMatchObject({
      message: 'Status Update Accepted',
    });
    expect(acceptReport.execute).toHaveBeenCalledWith(
      expect.objectContaining({ id: CHANNEL_ID }),
      expect.objectContaining({ messageId: MESSAGE_ID, status: 'delivered' }),
      undefined,
    );
    expect(await post('ex', 'stopped', { from: '+254712345678' })).toMatchObject({
      message: 'Event Accepted',
    });
    expect(optOuts.stop).toHaveBeenCalledWith(CHANNEL_ID, '+254712345678');
  });
});
