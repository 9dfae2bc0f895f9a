import { ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { DetailAnswer, FieldErrorsAnswer } from '../http/error-answers';
import { BroadcastBody, BroadcastHeaders, MessagesQuery } from './rapidpro-api.input';
import { BroadcastAnswer, MessagesAnswer } from './rapidpro-views';

const TAG = 'RapidPro API v2';

const forbidden = {
  description: 'no `Authorization: Token <key>`, or not a workspace API key',
  schema: DetailAnswer,
  example: { detail: 'Invalid token' },
};
const throttled = {
  description:
    "over the workspace's API rate (its CHT target's `apiRatePerMinute`, else CHT_API_RATE_PER_MINUTE); " +
    '`Retry-After` says when to try again',
  schema: DetailAnswer,
  example: { detail: 'Request was throttled. Expected available in 12 seconds.' },
};

/** What the edge answers before a handler runs, in RapidPro's `{"detail": …}` as every error here. */
const edge = {
  413: { description: 'the body exceeds the limit', schema: DetailAnswer },
  415: { description: 'a content type the route does not read', schema: DetailAnswer },
  503: {
    description: 'a dependency cannot serve right now: retry after `Retry-After` seconds',
    schema: DetailAnswer,
  },
};

/** RapidProApiController's routes: what CHT's `rapidpro` outgoing service calls. */
export const rapidProApiRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/api/v2/broadcasts.json',
    summary: 'Send a message (a RapidPro broadcast) to URNs',
    description:
      "CHT sends each outgoing message as one broadcast to one `tel:` URN, keeps the answer's `id` and " +
      'asks `GET /api/v2/messages.json?broadcast=<id>` for its status. Each URN becomes one message on ' +
      "smsgate's send path, through the CHT target's `defaultChannel` or the workspace's routes.\n\n" +
      'CHT repeats a request that timed out: the same text and URNs within CHT_IDEMPOTENCY_SECONDS (or the ' +
      'same `Idempotency-Key`, at any time) answer the first broadcast again, 201, and nothing is sent twice. ' +
      'Every message refused before sending (a message loop) makes the broadcast `failed`.',
    tag: TAG,
    auth: 'rapidpro',
    headers: BroadcastHeaders,
    body: {
      schema: BroadcastBody,
      example: { urns: ['tel:+254712345678'], text: 'Your next visit is on Monday.' },
    },
    responses: {
      ...edge,
      201: {
        description: 'the broadcast, new or repeated',
        schema: BroadcastAnswer,
        example: {
          id: 7,
          uuid: 'b6c7d8e9-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
          urns: ['tel:+254712345678'],
          contacts: [],
          groups: [],
          text: 'Your next visit is on Monday.',
          attachments: [],
          status: 'queued',
          created_on: '2026-11-22T10:00:00.123000Z',
        },
      },
      400: {
        description:
          "RapidPro's field errors (CHT then marks the message failed): the text, the recipients (only URNs; " +
          'at most 100), a URN that is not a phone number; or `{"detail": …}` for a bad `Idempotency-Key`',
        schema: z.union([FieldErrorsAnswer, DetailAnswer]),
        example: { urns: ['Invalid URN: tel:not-a-number'] },
      },
      403: forbidden,
      429: throttled,
      503: {
        description: 'Kafka did not confirm in time: repeat the request (nothing is sent twice)',
        schema: DetailAnswer,
        example: {
          detail:
            'Kafka did not confirm in time: repeat the request (the messages keep their ids and go out once)',
        },
      },
    },
  },
  {
    method: 'get',
    path: '/api/v2/messages.json',
    summary: "The messages of a broadcast, or one message, with their status in RapidPro's names",
    description:
      "CHT reads `status` and maps it to its own states. smsgate's statuses answer as: received, accepted " +
      'and queued → `queued`; wired → `wired`; sent, and unknown (no final receipt in time) → `sent`; ' +
      'delivered → `delivered`; errored → `errored`; failed, expired, rejected and no_route → `failed` ' +
      "(with `failed_reason`).\n\nWithout a filter the answer is the workspace's newest 250 messages.",
    tag: TAG,
    auth: 'rapidpro',
    query: MessagesQuery,
    responses: {
      ...edge,
      200: {
        description: 'the matches, newest first',
        schema: MessagesAnswer,
        example: {
          next: null,
          previous: null,
          results: [
            {
              id: 42,
              uuid: '0193a0b0-0000-7000-8000-000000000001',
              broadcast: 7,
              contact: null,
              urn: 'tel:+254712345678',
              channel: null,
              direction: 'out',
              type: 'text',
              status: 'delivered',
              visibility: 'visible',
              text: 'Your next visit is on Monday.',
              attachments: [],
              labels: [],
              flow: null,
              failed_reason: null,
              created_on: '2026-11-22T10:00:00.123000Z',
              sent_on: '2026-11-22T10:00:02.000000Z',
              modified_on: '2026-11-22T10:00:05.000000Z',
            },
          ],
        },
      },
      400: {
        description: 'a filter that is not an integer or a UUID',
        schema: DetailAnswer,
        example: { detail: 'Value for broadcast must be an integer.' },
      },
      403: forbidden,
      429: throttled,
    },
  },
];
