import { ApiError, ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { errorExample } from '../http/error-answers';
import { RapidProChannelAnswer, RapidProChannelsAnswer, TargetAnswer } from './settings-views';
import { RapidProChannelBody, TargetBody } from './settings.input';

const TARGET_TAG = 'CHT target';
const CHANNELS_TAG = 'RapidPro channels';
const SMS_CHANNEL = '0b7c1f0e-8d2a-4c55-9d1e-3f6a2b9c8e41';
const RAPIDPRO_CHANNEL = '8f3e6c2a-4b1d-4e7f-9a0c-2d5b8e1f6a3c';

const unauthorized = {
  description: 'no or an unknown workspace API key',
  schema: ApiError,
  example: errorExample(401, 'Unauthorized', 'invalid api key'),
};

const target = {
  mode: 'rapidpro',
  url: 'https://cht.example.org',
  apiVersion: 'auto',
  api: { version: 'v2', status: 'ok', checkedAt: '2026-11-22T10:00:00.000Z' },
  secretFields: ['apiKey'],
  defaultChannel: SMS_CHANNEL,
  enabled: true,
};

const channel = {
  uuid: RAPIDPRO_CHANNEL,
  rapidproUrl: 'https://rapidpro.example.org',
  sendChannel: SMS_CHANNEL,
  inboundChannels: [SMS_CHANNEL],
  secretFields: ['sendAuthorization'],
  sendPath: `/rapidpro/${RAPIDPRO_CHANNEL}/send`,
};

/** SettingsController's routes: a workspace's CHT target and its RapidPro External API channels. */
export const settingsRoutes: ApiRoute[] = [
  {
    method: 'put',
    path: '/v1/cht/target',
    summary: "Set the workspace's CHT instance",
    description:
      "Creates or replaces the target (repeating the request changes nothing). In `rapidpro` mode CHT's " +
      "`rapidpro` outgoing service calls this service's RapidPro API v2 (its `Token` being the workspace's " +
      "API key), and inbound messages are posted to CHT's RapidPro webhook with `apiKey` (CHT's " +
      "`rapidpro:incoming` credential). In `gateway` mode cht-relay polls CHT's `POST /api/sms` as a user " +
      'with the gateway role (`username`, `password`).\n\n' +
      'Secrets are write-only: the answer names them in `secretFields`; left out, the stored one is kept, ' +
      "so only the first save needs the mode's secret.",
    tag: TARGET_TAG,
    auth: 'workspace',
    body: {
      schema: TargetBody,
      example: {
        mode: 'rapidpro',
        url: 'https://cht.example.org',
        apiVersion: 'auto',
        defaultChannel: SMS_CHANNEL,
        enabled: true,
      },
    },
    responses: {
      200: { description: 'the target as saved', schema: TargetAnswer, example: target },
      400: {
        description:
          'not a JSON object, a field the schema refuses, a URL the egress guard refuses (see ' +
          "`EGRESS_ALLOW`), a channel not the workspace's, or the mode's secret or username missing",
        schema: ApiError,
        example: errorExample(400, 'Bad Request', 'apiKey: required in rapidpro mode'),
      },
      401: unauthorized,
    },
  },
  {
    method: 'get',
    path: '/v1/cht/target',
    summary: "The workspace's CHT instance, without its secrets",
    description:
      'In `rapidpro` mode `api` says which webhook path CHT was found to serve and how it answered.',
    tag: TARGET_TAG,
    auth: 'workspace',
    responses: {
      200: { description: 'the target', schema: TargetAnswer, example: target },
      401: unauthorized,
      404: {
        description: 'no CHT target configured',
        schema: ApiError,
        example: errorExample(404, 'Not Found', 'no CHT target configured'),
      },
    },
  },
  {
    method: 'delete',
    path: '/v1/cht/target',
    summary: "Remove the workspace's CHT instance",
    tag: TARGET_TAG,
    auth: 'workspace',
    responses: {
      204: { description: 'removed' },
      401: unauthorized,
      404: {
        description: 'no CHT target configured',
        schema: ApiError,
        example: errorExample(404, 'Not Found', 'no CHT target configured'),
      },
    },
  },
  {
    method: 'post',
    path: '/v1/rapidpro/channels',
    summary: 'Serve a RapidPro External API channel as its aggregator',
    description:
      'Creates or replaces the mapping of the RapidPro channel `uuid` (repeating the request changes ' +
      "nothing). Give RapidPro the answer's `sendPath` on this service's address as the channel's send URL; " +
      "messages received on `inboundChannels` are posted to RapidPro's `/c/ex/<uuid>/receive`, and the " +
      "sends' progress to `/c/ex/<uuid>/sent|delivered|failed`.\n\n" +
      '`sendAuthorization` is write-only; left out, the stored one is kept.',
    tag: CHANNELS_TAG,
    auth: 'workspace',
    body: {
      schema: RapidProChannelBody,
      example: {
        uuid: RAPIDPRO_CHANNEL,
        rapidproUrl: 'https://rapidpro.example.org',
        sendChannel: SMS_CHANNEL,
        inboundChannels: [SMS_CHANNEL],
      },
    },
    responses: {
      201: { description: 'the mapping as saved', schema: RapidProChannelAnswer, example: channel },
      400: {
        description:
          "not a JSON object, a field the schema refuses, a URL the egress guard refuses, or a channel not the workspace's",
        schema: ApiError,
        example: errorExample(400, 'Bad Request', `unknown channel ${SMS_CHANNEL}`),
      },
      401: unauthorized,
      409: {
        description: 'the RapidPro channel is mapped by another workspace',
        schema: ApiError,
        example: errorExample(
          409,
          'Conflict',
          `RapidPro channel ${RAPIDPRO_CHANNEL} belongs to another workspace`,
        ),
      },
    },
  },
  {
    method: 'get',
    path: '/v1/rapidpro/channels',
    summary: "The workspace's RapidPro channels, without their secrets",
    tag: CHANNELS_TAG,
    auth: 'workspace',
    responses: {
      200: { description: 'the mappings', schema: RapidProChannelsAnswer, example: { channels: [channel] } },
      401: unauthorized,
    },
  },
  {
    method: 'delete',
    path: '/v1/rapidpro/channels/:uuid',
    summary: 'Stop serving a RapidPro channel',
    description: 'Its send URL then answers 404.',
    tag: CHANNELS_TAG,
    auth: 'workspace',
    // What ParseUUIDPipe takes: any 8-4-4-4-12 hex form.
    params: z.object({ uuid: z.guid().describe("the RapidPro channel's uuid") }),
    responses: {
      204: { description: 'removed' },
      400: {
        description: '`uuid` is not a UUID',
        schema: ApiError,
        example: errorExample(400, 'Bad Request', 'Validation failed (uuid is expected)'),
      },
      401: unauthorized,
      404: {
        description: "not one of the workspace's RapidPro channels",
        schema: ApiError,
        example: errorExample(404, 'Not Found', `unknown RapidPro channel ${RAPIDPRO_CHANNEL}`),
      },
    },
  },
];
