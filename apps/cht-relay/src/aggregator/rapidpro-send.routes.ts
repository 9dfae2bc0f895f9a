import { ApiError, ApiRoute, HttpMethod } from '@smsgate/runtime';
import { z } from 'zod';
import { errorExample } from '../http/error-answers';
import { RapidProSendFields } from './rapidpro-send.input';
import { SendAnswer } from './rapidpro-send.views';

const RAPIDPRO_CHANNEL = '8f3e6c2a-4b1d-4e7f-9a0c-2d5b8e1f6a3c';
const fields = {
  uuid: 'c1d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  text: 'Your next visit is on Monday.',
  to: '+254712345678',
  to_no_plus: '254712345678',
  from: '+254700000001',
  from_no_plus: '254700000001',
  channel: RAPIDPRO_CHANNEL,
};

const description =
  "smsgate as the aggregator behind a RapidPro External API channel: this is the channel's send URL " +
  "(`sendPath` of `POST /v1/rapidpro/channels`), with RapidPro's default urlencoded body, the JSON form, " +
  "or the fields in the query (the body's win); the channel's send method may be GET, POST or PUT.\n\n" +
  'RapidPro repeats a send it saw fail: each part (its `uuid` or `id` and its text) is sent once through ' +
  "smsgate's routes however often it comes, and a repeat answers the same message. Its progress goes back " +
  "to RapidPro's `/c/ex/<uuid>/sent|delivered|failed`.";

const send = (method: HttpMethod): ApiRoute => ({
  method,
  path: '/rapidpro/:channelUuid/send',
  summary: `Send a RapidPro channel's message (${method.toUpperCase()})`,
  description,
  tag: 'RapidPro aggregator',
  auth: 'rapidproSend',
  // What ParseUUIDPipe takes: any 8-4-4-4-12 hex form.
  params: z.object({ channelUuid: z.guid().describe("the RapidPro channel's uuid") }),
  ...(method === 'get'
    ? { query: RapidProSendFields }
    : {
        query: RapidProSendFields.partial(),
        body: [
          { schema: RapidProSendFields, contentType: 'application/x-www-form-urlencoded', example: fields },
          {
            schema: RapidProSendFields,
            example: { id: 1234, text: fields.text, to: fields.to, channel: RAPIDPRO_CHANNEL },
          },
        ],
      }),
  responses: {
    200: {
      description: 'taken (or taken before): the message smsgate sends',
      schema: SendAnswer,
      example: { id: '0193a0b0-0000-7000-8000-000000000002', status: 'queued' },
    },
    400: {
      description:
        'a field missing or too long, a recipient that is not a phone number, or a channel uuid that is not a UUID',
      schema: ApiError,
      example: errorExample(400, 'Bad Request', 'uuid (or id): required'),
    },
    401: {
      description: "the mapping has a `sendAuthorization` and the request's Authorization is not it",
      schema: ApiError,
      example: errorExample(401, 'Unauthorized', 'missing or wrong Authorization'),
    },
    404: {
      description: 'no workspace serves this RapidPro channel',
      schema: ApiError,
      example: errorExample(404, 'Not Found', `unknown RapidPro channel ${RAPIDPRO_CHANNEL}`),
    },
    422: {
      description: 'refused before sending (a message loop): RapidPro marks the message failed',
      schema: ApiError,
      example: errorExample(422, 'Unprocessable Entity', 'message loop detected'),
    },
    503: {
      description: 'Kafka did not confirm in time: RapidPro repeats the send, which goes out once',
      schema: ApiError,
      example: {
        statusCode: 503,
        message:
          'Kafka did not confirm in time: repeat the request (the messages keep their ids and go out once)',
      },
    },
  },
});

/** RapidProSendController's routes: one send, by any of RapidPro's send methods. */
export const rapidProSendRoutes: ApiRoute[] = [send('get'), send('post'), send('put')];
