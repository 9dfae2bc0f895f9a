import { MessageEntity, MessageEventEntity, MessagePartEntity } from '@smsgate/db';
import { z } from 'zod';
import {
  callbackView,
  MessageDetail,
  messageDetail,
  MessageView,
  messageView,
  Traffic,
  trafficView,
} from './messages.views';

const callback = {
  url: 'https://user:pw@app.example.org/hooks/sms?token=abc',
  body: '{"id":"x","status":"delivered"}',
  state: 'delivered',
  attempts: 2,
  lastError: null,
  createdAt: new Date('2026-12-05T10:00:00Z'),
  finishedAt: new Date('2026-12-05T10:00:03Z'),
};

// The schemas describe the API (messages.routes.ts); a field the views add but the schemas lack fails here.
const row = (): MessageEntity =>
  Object.assign(new MessageEntity(), {
    id: '0194a6f2-3c1d-7e8a-9b2c-4d5e6f7a8b9c',
    workspaceId: '5d0e2a4b-1c3f-4e6a-8b9d-7f1e2c3a4b5d',
    channelId: '3f9d2c7a-51e4-4b8e-a6d0-9c2b7e4f1a53',
    direction: 'out',
    from: 'ACMEINS',
    to: '+254712345678',
    text: 'Your code is 4471',
    status: 'failed',
    segments: 1,
    encoding: 'gsm7',
    providerIds: ['7d1c0a4e'],
    correlationId: 'login-4471',
    error: { stat: 'UNDELIV', err: '001', nested: { retries: [1, 2] } },
    metadata: { campaign: 'login' },
    attachments: [{ url: 'https://files.example.org/leaflet.pdf', contentType: 'application/pdf' }],
    createdAt: new Date('2026-01-15T09:30:00.000Z'),
    updatedAt: new Date('2026-01-15T09:30:05.000Z'),
    expiresAt: new Date('2026-01-16T09:30:00.000Z'),
    notifyUrl: 'https://crm.example.com/hooks/sms-status',
    notifyFormat: 'smsgate',
    notifyOn: ['delivered', 'failed'],
    callbackData: 'opaque',
    priority: 'high',
    attempt: 1,
    partCount: 1,
    statusAt: new Date('2026-01-15T09:30:05.000Z'),
    callbackFailure: { url: 'https://crm.example.com/hooks/sms-status', error: 'answered 500', attempts: 5 },
  } satisfies MessageEntity);

describe('the message views', () => {
  it('answer what MessageView describes, with no field it lacks', () => {
    const view = messageView(row());
    expect(z.strictObject(MessageView.shape).parse(view)).toEqual(view);
  });

  it('answer what MessageDetail describes, without the ledger bookkeeping in history', () => {
    const event = Object.assign(new MessageEventEntity(), {
      eventId: '0194a6f2-4a10-7c11-8a01-1b2c3d4e5f62',
      messageId: row().id,
      status: 'failed',
      previousStatus: 'sent',
      applied: true,
      partIndex: 0,
      source: 'receipt',
      detail: { stat: 'UNDELIV', messageStatus: 'failed', previousMessageStatus: 'sent' },
      at: new Date('2026-01-15T09:30:05.000Z'),
    });
    const part = Object.assign(new MessagePartEntity(), {
      messageId: row().id,
      partIndex: 0,
      channelId: row().channelId,
      providerMessageId: '7d1c0a4e',
      status: 'failed',
      attempt: 1,
      updatedAt: new Date('2026-01-15T09:30:05.000Z'),
    });
    const click = { linkId: 'renew', at: new Date('2026-01-15T10:00:00.000Z'), userAgent: null };
    const detail = messageDetail(row(), [event], [part], [click], [callback]);
    const { history, parts, clicks } = MessageDetail.shape;
    const strictly = z.strictObject({
      ...MessageDetail.shape,
      history: z.array(z.strictObject(history.element.shape)),
      parts: z.array(z.strictObject(parts.element.shape)),
      clicks: z.array(z.strictObject(clicks.element.shape)),
    });
    expect(strictly.parse(detail)).toEqual(detail);
    expect(detail.history[0].detail).toEqual({ stat: 'UNDELIV' });
  });
});

describe('callbackView', () => {
  it("shows where a callback went without the URL's credentials or query, and the status it reported", () => {
    expect(callbackView(callback)).toEqual({
      status: 'delivered',
      url: 'https://app.example.org/hooks/sms',
      state: 'delivered',
      attempts: 2,
      lastError: null,
      createdAt: '2026-12-05T10:00:00.000Z',
      finishedAt: '2026-12-05T10:00:03.000Z',
    });
    expect(callbackView({ ...callback, body: 'status=delivered', url: 'not a url' })).toMatchObject({
      status: null,
      url: '(not a URL)',
    });
  });
});

describe('trafficView', () => {
  const since = new Date('2026-12-05T09:00:00Z');
  const at = (minute: number) => new Date(since.getTime() + minute * 60_000);
  const channel = '3f9d2c7a-51e4-4b8e-a6d0-9c2b7e4f1a53';

  it('puts every count in its bucket, every bucket of the window present, and the rates and percentiles', () => {
    const view = trafficView(
      '1h',
      since,
      60,
      60,
      [
        { bucket: at(0), status: 'delivered', channelId: channel, n: 8 },
        { bucket: at(0), status: 'failed', channelId: channel, n: 1 },
        { bucket: at(0), status: 'no_route', channelId: null, n: 1 },
        { bucket: at(2), status: 'errored', channelId: channel, n: 4 },
        { bucket: at(59), status: 'received', channelId: channel, n: 3 },
        { bucket: at(59), status: 'unknown', channelId: channel, n: 2 },
        { bucket: at(60), status: 'delivered', channelId: channel, n: 99 },
      ],
      [
        { bucket: at(0), p50: 1500.4, p90: 2500, p99: 3999.6 },
        { bucket: null, p50: 1500, p90: 2600, p99: 4000 },
      ],
    );
    expect(Traffic.parse(view)).toEqual(view);
    expect(view.buckets).toHaveLength(60);
    expect(view.until).toBe('2026-12-05T10:00:00.000Z');
    expect(view.buckets[0]).toEqual({
      at: '2026-12-05T09:00:00.000Z',
      byStatus: { delivered: 8, failed: 1, no_route: 1 },
      byChannel: { [channel]: 9, none: 1 },
      delivered: 8,
      failed: 2,
      latencyMs: { p50: 1500, p90: 2500, p99: 4000 },
    });
    expect(view.buckets[1]).toMatchObject({ byStatus: {}, delivered: 0, failed: 0, latencyMs: null });
    // `errored` is an attempt that is retried: not (yet) a failure.
    expect(view.buckets[2]).toMatchObject({ byStatus: { errored: 4 }, delivered: 0, failed: 0 });
    expect(view.buckets[59]).toMatchObject({
      byStatus: { received: 3, unknown: 2 },
      delivered: 0,
      failed: 0,
    });
    // Outside the window (a bucket past its end) is not counted; `unknown` is neither delivered nor failed.
    expect(view.totals).toEqual({
      messages: 19,
      delivered: 8,
      failed: 2,
      deliveryRate: 0.8,
      latencyMs: { p50: 1500, p90: 2600, p99: 4000 },
    });
  });

  it('has no delivery rate or latency where nothing was delivered or failed', () => {
    const view = trafficView('24h', since, 600, 144, [], []);
    expect(view.buckets).toHaveLength(144);
    expect(view.totals).toEqual({
      messages: 0,
      delivered: 0,
      failed: 0,
      deliveryRate: null,
      latencyMs: null,
    });
  });
});
