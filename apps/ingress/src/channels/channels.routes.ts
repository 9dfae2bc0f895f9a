import { CHANNEL_TYPES, COMMON_CONFIG_KEYS } from '@smsgate/channel-config';
import { ApiError, errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE, notFound, pageOf, uuidParam } from '../api-common';
import { CreateChannel, UpdateChannel } from './channel.input';
import { ChannelView } from './channel.view';
import { OptOutsQuery } from './opt-outs.query';

const configKeys = Object.values(CHANNEL_TYPES)
  .map((type) => `- \`${type.type}\`: ${type.configKeys.map((key) => `\`${key}\``).join(', ')}`)
  .join('\n');

const channelConfig = `\`config\` holds the type's settings and no credential (a key that looks like one is refused: put it in \`secrets\`, which is encrypted and never returned). Each type reads these keys, besides ${COMMON_CONFIG_KEYS.map((key) => `\`${key}\``).join(' and ')}; any other key is refused rather than stored and ignored:\n\n${configKeys}\n\nThe type's own checks run on save; a refusal lists every problem by path, never by value.`;

const OptOutView = z.object({
  address: z.string().describe('the number, as the provider gave it'),
  stoppedAt: z.iso.datetime(),
});

const ConfigRefused = ApiError.extend({
  problems: z.array(z.string()).optional().describe("the type's checks that failed, by path"),
});

const exChannel = {
  uuid: EXAMPLE.channel,
  type: 'ex',
  name: 'Safaricom via aggregator',
  address: '+254700100200',
  country: 'KE',
  config: { send_url: 'https://sms.aggregator.example/send', method: 'POST', tps: 20 },
  secretFields: ['send_authorization'],
  enabled: true,
  receiptTimeoutSeconds: 172800,
  inboundUrls: {
    receive: `https://sms.example.org/c/ex/${EXAMPLE.channel}/receive`,
    delivered: `https://sms.example.org/c/ex/${EXAMPLE.channel}/delivered`,
  },
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
};

const channelUuid = uuidParam('uuid', "the channel's uuid");
const tag = 'Channels';

export const channelsRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/channels',
    tag,
    summary: 'Create a channel: an HTTP aggregator (ex, imi, template) or an SMSC (smpp)',
    description: channelConfig,
    auth: 'workspace',
    body: {
      schema: CreateChannel,
      example: {
        type: 'ex',
        name: 'Safaricom via aggregator',
        address: '+254700100200',
        country: 'KE',
        config: { send_url: 'https://sms.aggregator.example/send', method: 'POST', tps: 20 },
      },
    },
    responses: {
      201: { description: 'created', schema: ChannelView, example: exChannel },
      400: { description: 'refused: `message` (and `problems`) say why', schema: ConfigRefused },
    },
  },
  {
    method: 'get',
    path: '/v1/channels',
    tag,
    summary: "The workspace's channels",
    auth: 'workspace',
    responses: {
      200: {
        description: 'every channel',
        schema: z.object({ results: z.array(ChannelView) }),
        example: { results: [exChannel] },
      },
    },
  },
  {
    method: 'get',
    path: '/v1/channels/:uuid',
    tag,
    summary: 'One channel, with the URLs its provider posts to',
    auth: 'workspace',
    params: channelUuid,
    responses: {
      200: { description: 'the channel', schema: ChannelView, example: exChannel },
      404: notFound('channel'),
    },
  },
  {
    method: 'get',
    path: '/v1/channels/:uuid/opt-outs',
    tag,
    summary: 'The numbers that stopped a channel, newest first',
    description:
      'Numbers whose RapidPro `stopped` callback opted them out of this channel (a number that writes in again is taken off), the latest stop first; `next` is the `cursor` of the following page, null on the last.',
    auth: 'workspace',
    params: channelUuid,
    query: OptOutsQuery,
    responses: {
      200: {
        description: 'a page',
        schema: pageOf(OptOutView),
        example: {
          results: [
            { address: '+254712345678', stoppedAt: '2026-03-02T09:15:04.120Z' },
            { address: '+254722000111', stoppedAt: '2026-03-01T17:40:12.004Z' },
          ],
          next: 'MjAyNi0wMy0wMVQxNzo0MDoxMi4wMDQxMTFaICsyNTQ3MjIwMDAxMTE',
        },
      },
      400: errorAnswer('`limit` or `cursor` refused'),
      404: notFound('channel'),
    },
  },
  {
    method: 'patch',
    path: '/v1/channels/:uuid',
    tag,
    summary: 'Change a channel',
    description: `Every field is optional. \`secrets\` merges: a secret given as null is removed. ${channelConfig}`,
    auth: 'workspace',
    params: channelUuid,
    body: { schema: UpdateChannel, example: { enabled: false } },
    responses: {
      200: {
        description: 'the channel as changed',
        schema: ChannelView,
        example: { ...exChannel, enabled: false },
      },
      400: { description: 'refused: `message` (and `problems`) say why', schema: ConfigRefused },
      404: notFound('channel'),
    },
  },
  {
    method: 'delete',
    path: '/v1/channels/:uuid',
    tag,
    summary: 'Delete a channel',
    auth: 'workspace',
    params: channelUuid,
    responses: { 204: { description: 'deleted' }, 404: notFound('channel') },
  },
];
