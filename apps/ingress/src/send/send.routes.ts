import { ApiError, errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE } from '../api-common';
import { ImiAnswer, ImiSendBody } from './imi-request';
import { SendBody } from './send.input';

const Accepted = z.object({
  id: z.uuid().describe("the message's id: GET /v1/messages/{id} on dlr-tracker"),
  to: z.string(),
  status: z.literal('accepted'),
  correlationId: z.string().optional(),
});
const Rejected = z.object({
  to: z.string(),
  status: z.literal('rejected'),
  reason: z.string(),
  correlationId: z.string().optional(),
});
const Unknown = Accepted.extend({ status: z.literal('unknown') });

export const SendAnswer = z.object({ messages: z.array(z.union([Accepted, Rejected])) });
const NoneValid = ApiError.extend({ messages: z.array(Rejected) });
const OutcomeUnknown = z.object({
  statusCode: z.literal(504),
  outcome: z.literal('unknown'),
  message: z.string().describe('what to do: repeat with the same key, or look the messages up'),
  messages: z.array(z.union([Unknown, Rejected])),
});

const IdempotencyKey = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      '1 to 255 visible ASCII characters. A repeat with the same key answers the first answer (`Idempotent-Replayed: true`) and sends nothing new',
    ),
});

const sent = {
  messages: [
    { id: EXAMPLE.message, to: '+254711222333', status: 'accepted', correlationId: 'visit-4411' },
    { to: '+1555', status: 'rejected', reason: 'not a valid phone number' },
  ],
};

export const sendRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/messages',
    tag: 'Send',
    summary: 'Send a message to one destination or many',
    description:
      "Answers 202 once every accepted message is durably on Kafka. Give `text` or a stored `template`; without `channel` the workspace's routes pick one. Repeatable: with an `Idempotency-Key` (or, without one, the same request with a correlation id) a repeat answers the first request's answer and sends nothing new. A 504 means Kafka did not confirm in time: the messages may still go out, so do not send them again without the same key.",
    auth: 'workspace',
    headers: IdempotencyKey,
    body: {
      schema: SendBody,
      example: {
        to: ['+254711222333', { to: '+254722333444', variables: { first_name: 'Juma' } }],
        text: 'Hello $(first_name), your clinic visit is tomorrow. The map:',
        attachments: [{ url: 'https://files.example.org/maps/kisumu-east.png', contentType: 'image/png' }],
        variables: { first_name: 'there' },
        correlationId: 'visit-4411',
        notifyUrl: 'https://app.example.org/sms/status',
        notifyOn: ['delivered', 'failed'],
      },
    },
    responses: {
      202: {
        description: 'accepted: each destination accepted or rejected',
        schema: SendAnswer,
        example: sent,
      },
      400: {
        description: 'the body is refused, or no destination is valid',
        schema: z.union([NoneValid, ApiError]),
      },
      409: errorAnswer(
        'the first request with this key is still waiting for Kafka: repeat it in a few seconds',
      ),
      422: errorAnswer('this Idempotency-Key was used with a different request'),
      504: { description: 'Kafka did not confirm in time: the outcome is unknown', schema: OutcomeUnknown },
    },
  },
  {
    method: 'get',
    path: '/v1/messages',
    tag: 'Send',
    summary: "The workspace's messages: passed on to dlr-tracker's GET /v1/messages",
    description:
      "POST /v1/messages is ingress's, GET is dlr-tracker's, and an HTTP ingress routes by path only: ingress passes the GET on (query and Authorization) to `MESSAGES_API_URL` and answers with dlr-tracker's answer (see dlr-tracker's document).",
    auth: 'workspace',
    responses: {
      200: { description: "dlr-tracker's page of messages", contentType: 'application/json' },
      400: { description: "dlr-tracker's refusal of the query", contentType: 'application/json' },
      404: errorAnswer('MESSAGES_API_URL is not set on ingress'),
    },
  },
  {
    method: 'post',
    path: '/resources/v1/messaging',
    tag: 'IMIconnect-compatible',
    summary: "IMIconnect's messaging API: switch an IMIconnect app by changing its base URL",
    description:
      "One request or a batch (an array); every request of a batch is validated before any is sent, and all go to Kafka together. Authenticated by the `key` header (the workspace's API key). Errors answer in IMIconnect's shape: `{response: [{code, description}]}` with 7000 (malformed JSON), 7001/7002 (key), 7003 (a bad parameter), 7009 (too many destinations); 7504 (smsgate's) when Kafka did not confirm in time. Repeatable like POST /v1/messages.",
    auth: 'none',
    headers: z
      .object({ key: z.string().describe("the workspace's API key (IMIconnect's service key header)") })
      .extend(IdempotencyKey.shape),
    body: {
      schema: ImiSendBody,
      example: {
        deliverychannel: 'sms',
        channels: { sms: { text: 'Your visit is on $(date).', senderid: 'CLINIC' } },
        destination: [{ msisdn: ['254711222333'], correlationid: 'visit-4411', date: '3 March' }],
        notifyurl: 'https://app.example.org/imi/status',
        priority: 2,
      },
    },
    responses: {
      200: {
        description: 'queued, per destination',
        schema: ImiAnswer,
        example: {
          response: [
            { code: '1001', description: 'Queued', transid: EXAMPLE.message, correlationid: 'visit-4411' },
          ],
        },
      },
      400: { description: "refused, in IMIconnect's shape", schema: ImiAnswer },
      401: { description: 'no `key`, or a wrong one (7002, 7001)', schema: ImiAnswer },
      409: { description: 'the first request with this key is still waiting for Kafka', schema: ImiAnswer },
      413: { description: 'the body is too large', schema: ImiAnswer },
      415: { description: 'not JSON (7000)', schema: ImiAnswer },
      422: { description: 'this Idempotency-Key was used with a different request', schema: ImiAnswer },
      503: { description: 'a dependency cannot serve right now', schema: ImiAnswer },
      504: { description: 'Kafka did not confirm in time (7504): the outcome is unknown', schema: ImiAnswer },
    },
  },
];
