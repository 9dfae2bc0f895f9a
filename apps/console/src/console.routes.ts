import { ApiRoute, errorAnswer } from '@smsgate/runtime';
import { z } from 'zod';
import { BrowseDeadLettersQuery, ReplayDeadLettersBody } from './dead-letters/dead-letters.input';
import { BindsOfAllReplicas } from './binds/binds.view';

export const WhoAmI = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin').describe('the admin token: every workspace') }),
  z.object({
    role: z.literal('workspace').describe("a workspace's API key: that workspace only"),
    workspace: z.object({ id: z.uuid(), name: z.string() }),
  }),
]);

const Letter = z.object({
  id: z.uuid(),
  sourceTopic: z.string(),
  group: z.string().describe('the consumer group that gave up'),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  reason: z.string(),
  attempts: z.number().int(),
  failedAt: z.string(),
  headers: z.record(z.string(), z.string()),
  value: z.string().describe('the original record: UTF-8 text, or base64 (`valueEncoding`)'),
  valueEncoding: z.enum(['utf8', 'base64']),
  json: z.unknown().describe('the value read as JSON, null when it is not JSON'),
});

const Unusable = z.array(z.object({ partition: z.number().int(), offset: z.string(), reason: z.string() }));

export const DeadLetterPage = z.object({
  scanned: z.number().int().describe('records read from the dead-letter topic'),
  matched: z.number().int().describe('letters matching the filter (`results` holds up to `limit`)'),
  results: z.array(Letter).describe('newest first'),
  unusable: Unusable.describe('records that are not dead letters'),
});

export const ReplayOutcome = z.object({
  scanned: z.number().int(),
  matched: z.array(
    z.object({
      id: z.uuid(),
      sourceTopic: z.string(),
      group: z.string(),
      partition: z.number().int(),
      offset: z.string(),
      key: z.string().optional(),
      reason: z.string(),
      failedAt: z.string(),
    }),
  ),
  replayed: z.number().int().describe('letters published back to their topics (0 on a dry run)'),
  unusable: Unusable.describe('records that are not dead letters, or cannot go back where they came from'),
  dryRun: z.boolean(),
});

const letterExample = {
  id: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a59',
  sourceTopic: 'sms.outbound.requested.v1',
  group: 'dispatcher',
  partition: 3,
  offset: '1042',
  key: null,
  reason: 'channel 4f1c… has no send_url',
  attempts: 5,
  failedAt: '2026-12-05T10:02:11.000Z',
  headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  value: '{"id":"0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5a"}',
  valueEncoding: 'utf8',
  json: { id: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5a' },
};

/**
 * The console's own HTTP routes, as its OpenAPI document describes them. The other services' routes it
 * passes on (gateway/forwarded.routes.ts) are described by those services' documents.
 */
export const consoleRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/whoami',
    summary: 'Who a key belongs to',
    description:
      "The console's sign-in: the admin token (`role: admin`, every workspace, naming one with `X-Smsgate-Workspace`) or a workspace's API key (`role: workspace`).",
    responses: {
      200: { description: 'the key is valid', schema: WhoAmI, example: { role: 'admin' } },
      401: errorAnswer('no key, or one that is neither the admin token nor a workspace key'),
    },
  },
  {
    method: 'get',
    path: '/v1/binds',
    summary: "Every SMSC channel's connections, across every smpp-binds replica",
    description:
      'What each smpp-binds replica last reported (every few seconds): per channel its state and every connection (bind): state, window in use, submit rate, reconnects, last error. Replicas silent for longer than three report intervals are left out. A workspace key sees its own channels; the admin token every channel, or one workspace with `X-Smsgate-Workspace`.',
    auth: 'workspace',
    responses: {
      200: {
        description: 'the replicas reporting and the channels they hold',
        schema: BindsOfAllReplicas,
        example: {
          replicas: [
            { replica: 'smpp-binds-0:41', partitions: [0, 1, 2], updatedAt: '2026-12-05T10:00:00.000Z' },
          ],
          channels: [
            {
              channel: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5b',
              workspace: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c',
              name: 'Safaricom SMPP',
              type: 'smpp',
              state: 'bound',
              replica: 'smpp-binds-0:41',
              binds: [
                {
                  id: 'b1',
                  mode: 'transceiver',
                  state: 'bound',
                  window: 10,
                  outstanding: 2,
                  submitted: 1200,
                  submitRate: 35.5,
                  throttled: 0,
                  boundAt: '2026-12-05T09:00:00.000Z',
                  reconnects: 1,
                },
              ],
            },
          ],
        },
      },
    },
  },
  {
    method: 'get',
    path: '/v1/dead-letters',
    summary: 'Browse the dead-letter topic',
    description:
      'Events a consumer gave up on, newest first, filtered by source topic, group, reason (a regular expression) and time; each with its payload. Reads the whole topic (it is a log), so it takes a moment.',
    auth: 'admin',
    query: BrowseDeadLettersQuery,
    responses: {
      200: {
        description: 'the matching letters',
        schema: DeadLetterPage,
        example: { scanned: 12, matched: 1, results: [letterExample], unusable: [] },
      },
      504: errorAnswer('reading the topic took longer than `DEAD_LETTER_READ_TIMEOUT_MS`'),
    },
  },
  {
    method: 'post',
    path: '/v1/dead-letters/replay',
    summary: 'Replay dead letters to the topics they came from',
    description:
      "`npm run dlq:replay`'s logic: the letters named by `ids` or matching the filter (at least one of them is required) go back to their source topics with their headers, marked `x-smsgate-replayed-from`. Consumers apply an event once, so replaying one already applied changes nothing. `dryRun` lists them only.",
    auth: 'admin',
    body: {
      schema: ReplayDeadLettersBody,
      example: { ids: ['0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a59'] },
    },
    responses: {
      200: {
        description: 'what was replayed',
        schema: ReplayOutcome,
        example: {
          scanned: 12,
          matched: [
            {
              id: letterExample.id,
              sourceTopic: letterExample.sourceTopic,
              group: letterExample.group,
              partition: 3,
              offset: '1042',
              reason: letterExample.reason,
              failedAt: letterExample.failedAt,
            },
          ],
          replayed: 1,
          unusable: [],
          dryRun: false,
        },
      },
      504: errorAnswer(
        'reading the topic took longer than `DEAD_LETTER_READ_TIMEOUT_MS`; nothing was replayed',
      ),
    },
  },
];
