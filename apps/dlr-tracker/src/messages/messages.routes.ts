import { ApiError, ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { ListMessagesQuery, StatsQuery, TrafficQuery } from './messages.query';
import { MessageDetail, MessagePage, Stats, Traffic } from './messages.views';

const errorAnswer = ApiError;

const unauthorized = {
  description: 'no `Authorization: Bearer <api key>`, or a key no workspace has',
  schema: errorAnswer,
  example: { statusCode: 401, message: 'invalid api key', error: 'Unauthorized' },
};

const badQuery = (message: string) => ({
  description:
    'a query parameter is invalid or unknown: `message` says which and why, as `<parameter>: <reason>` ' +
    '(up to five, separated by `; `)',
  schema: errorAnswer,
  example: { statusCode: 400, message, error: 'Bad Request' },
});

const channel = '3f9d2c7a-51e4-4b8e-a6d0-9c2b7e4f1a53';

const delivered = {
  id: '0194a6f2-3c1d-7e8a-9b2c-4d5e6f7a8b9c',
  direction: 'out',
  channel,
  from: 'ACMEINS',
  to: '+254712345678',
  text:
    'Hello Amina, your policy 4471-B renews on 1 February. To keep your cover without a break, pay ' +
    'KES 2,350 via M-Pesa paybill 400200 before 31 January. Reply STOP to opt out.',
  status: 'delivered',
  statusAt: '2026-01-15T09:30:05.000Z',
  segments: 2,
  encoding: 'gsm7',
  providerIds: ['7d1c0a4e', '7d1c0a4f'],
  correlationId: 'renewal-4471-B',
  priority: 'normal',
  expiresAt: null,
  notifyUrl: 'https://crm.example.com/hooks/sms-status',
  metadata: { campaign: 'renewals-2026-02' },
  attachments: null,
  error: null,
  callbackFailure: null,
  createdAt: '2026-01-15T09:30:00.000Z',
  updatedAt: '2026-01-15T09:30:05.118Z',
};

const inbound = {
  id: '0194a6f1-8e4b-7a12-b3c4-5d6e7f8a9b0c',
  direction: 'in',
  channel,
  from: '+254733000111',
  to: '22141',
  text: 'Photo of the rash, as the nurse asked',
  status: 'received',
  statusAt: '2026-01-15T09:17:42.306Z',
  segments: 1,
  encoding: 'gsm7',
  providerIds: [],
  correlationId: null,
  priority: null,
  expiresAt: null,
  notifyUrl: null,
  metadata: null,
  attachments: [{ url: 'https://mms.example.net/in/7f3a/photo.jpg', contentType: 'image/jpeg' }],
  error: null,
  callbackFailure: null,
  createdAt: '2026-01-15T09:17:42.306Z',
  updatedAt: '2026-01-15T09:17:42.306Z',
};

const sent = (part: number, eventId: string, providerMessageId: string, at: string) => ({
  eventId,
  status: 'sent',
  previousStatus: part === 0 ? 'accepted' : 'sent',
  applied: true,
  part,
  source: 'dispatch',
  detail: { source: 'dispatch', attempt: 1, providerMessageId, part },
  at,
});

const receipt = (part: number, eventId: string, providerMessageId: string, at: string) => ({
  eventId,
  status: 'delivered',
  previousStatus: 'sent',
  applied: true,
  part,
  source: 'receipt',
  detail: { by: 'receipt', stat: 'DELIVRD', err: '000', source: 'receipt', providerMessageId, part },
  at,
});

const deliveredDetail = {
  ...delivered,
  partCount: 2,
  history: [
    {
      eventId: delivered.id,
      status: 'accepted',
      previousStatus: null,
      applied: true,
      part: null,
      source: 'request',
      detail: { source: 'request' },
      at: '2026-01-15T09:30:00.000Z',
    },
    sent(0, '0194a6f2-3d05-7c11-8a01-1b2c3d4e5f60', '7d1c0a4e', '2026-01-15T09:30:00.412Z'),
    sent(1, '0194a6f2-3d06-7c11-8a01-1b2c3d4e5f61', '7d1c0a4f', '2026-01-15T09:30:00.415Z'),
    receipt(0, '0194a6f2-4a10-7c11-8a01-1b2c3d4e5f62', '7d1c0a4e', '2026-01-15T09:30:04.000Z'),
    receipt(1, '0194a6f2-4a11-7c11-8a01-1b2c3d4e5f63', '7d1c0a4f', '2026-01-15T09:30:05.000Z'),
  ],
  parts: [
    {
      index: 0,
      status: 'delivered',
      providerMessageId: '7d1c0a4e',
      updatedAt: '2026-01-15T09:30:04.000Z',
    },
    {
      index: 1,
      status: 'delivered',
      providerMessageId: '7d1c0a4f',
      updatedAt: '2026-01-15T09:30:05.000Z',
    },
  ],
  callbacks: [
    {
      status: 'delivered',
      url: 'https://app.example.org/hooks/sms',
      state: 'delivered',
      attempts: 1,
      lastError: null,
      createdAt: '2026-01-14T10:15:04.000Z',
      finishedAt: '2026-01-14T10:15:04.000Z',
    },
  ],
  clicks: [],
};

/** dlr-tracker's HTTP routes (MessagesController), as its OpenAPI document describes them. */
export const dlrTrackerRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/messages',
    summary: "The workspace's messages, newest first, filtered",
    description:
      'Every filter is optional; an unknown parameter is refused. Cursor paging: while `next` is not ' +
      'null, ask for the following page with `cursor` set to it and the other parameters unchanged; ' +
      '`next` is null on the last page.',
    tag: 'Messages',
    auth: 'workspace',
    query: ListMessagesQuery,
    responses: {
      200: {
        description: 'a page of messages',
        schema: MessagePage,
        example: { data: [delivered, inbound], next: 'MDE5NGE2ZjEtOGU0Yi03YTEyLWIzYzQtNWQ2ZTdmOGE5YjBj' },
      },
      400: badQuery('limit: Too big: expected number to be <=500'),
      401: unauthorized,
    },
  },
  {
    method: 'get',
    path: '/v1/messages/:id',
    summary: 'One message, with its status history, parts, status callbacks and smartlink clicks',
    description:
      '`history` holds every status report of the message, oldest first, also those kept without ' +
      'changing it (`applied` false: late, or after a final status); `part` says which part a report is ' +
      'about. `parts` are the parts as their provider knows them. `callbacks` are the status callbacks to ' +
      "the message's `notifyUrl` with their outcome (kept `CALLBACK_RETENTION_HOURS` after they finish).",
    tag: 'Messages',
    auth: 'workspace',
    params: z.object({ id: z.uuid().describe("the message's id") }),
    responses: {
      200: { description: 'the message', schema: MessageDetail, example: deliveredDetail },
      401: unauthorized,
      404: {
        description: 'no message of the workspace has this id (or it is not a UUID)',
        schema: errorAnswer,
        example: {
          statusCode: 404,
          message: 'message 0194a6f2-3c1d-7e8a-9b2c-4d5e6f7a8b9d not found',
          error: 'Not Found',
        },
      },
    },
  },
  {
    method: 'get',
    path: '/v1/stats',
    summary: "Counts of the workspace's messages by status and by channel, and smartlink clicks",
    description:
      'Counts the messages created in [`since`, `until`); without `since`, the last 24 hours. ' +
      '`byChannel` lists messages without a channel (no route, expired before routing) under the key ' +
      '`unrouted`. `clicks` counts the smartlink clicks in the same window, of any message.',
    tag: 'Stats',
    auth: 'workspace',
    query: StatsQuery,
    responses: {
      200: {
        description: 'the counts',
        schema: Stats,
        example: {
          since: '2026-01-14T10:00:00.000Z',
          until: null,
          total: 1250,
          withAttachments: 12,
          byStatus: { delivered: 1180, sent: 22, failed: 31, no_route: 5, received: 12 },
          byChannel: {
            [channel]: { delivered: 1180, sent: 22, failed: 31, received: 12 },
            unrouted: { no_route: 5 },
          },
          clicks: 87,
        },
      },
      400: badQuery('Unrecognized key: "from"'),
      401: unauthorized,
    },
  },
  {
    method: 'get',
    path: '/v1/stats/traffic',
    summary: 'Traffic over the last hour or day, in buckets: by status, by channel, delivery rate, latency',
    description:
      "The workspace's messages created in the window, counted per bucket (1 minute over the last hour, 10 minutes over the last day; the last bucket is the one in progress) by current status and by channel; outbound messages delivered and failed; and the latency percentiles (created → delivered) of delivered outbound messages, per bucket and over the window. What the console charts.",
    tag: 'Stats',
    auth: 'workspace',
    query: TrafficQuery,
    responses: {
      200: {
        description: 'the buckets and totals',
        schema: Traffic,
        example: {
          window: '1h',
          bucketSeconds: 60,
          since: '2026-12-05T09:01:00.000Z',
          until: '2026-12-05T10:01:00.000Z',
          buckets: [
            {
              at: '2026-12-05T10:00:00.000Z',
              byStatus: { delivered: 40, failed: 2, sent: 3 },
              byChannel: { [channel]: 45 },
              delivered: 40,
              failed: 2,
              latencyMs: { p50: 2100, p90: 4800, p99: 9100 },
            },
          ],
          totals: {
            messages: 45,
            delivered: 40,
            failed: 2,
            deliveryRate: 0.952,
            latencyMs: { p50: 2100, p90: 4800, p99: 9100 },
          },
        },
      },
      400: badQuery('window: Invalid option: expected one of "1h"|"24h"'),
      401: unauthorized,
    },
  },
];
