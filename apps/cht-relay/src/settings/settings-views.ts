import { z } from 'zod';
import { ChtTarget, RapidProChannel } from './relay-settings';

export const TargetAnswer = z.object({
  mode: z.enum(['rapidpro', 'gateway']),
  url: z.string(),
  apiVersion: z.enum(['auto', 'v1', 'v2']),
  api: z
    .object({
      version: z
        .enum(['v1', 'v2'])
        .optional()
        .describe('the path in use; none yet while auto has not probed'),
      status: z.enum(['ok', 'path-not-found', 'unknown']),
      checkedAt: z.string().optional(),
    })
    .optional()
    .describe("rapidpro mode: what cht-relay found CHT to serve (the webhook path's version and answer)"),
  username: z.string().optional(),
  secretFields: z.array(z.string()).describe('the names of the secrets stored; their values are never shown'),
  defaultChannel: z.string().optional(),
  apiRatePerMinute: z.number().optional(),
  enabled: z.boolean(),
  lastPollAt: z.string().optional().describe('gateway mode: the last poll of CHT'),
  lastPollError: z.string().optional(),
});

export const RapidProChannelAnswer = z.object({
  uuid: z.string(),
  rapidproUrl: z.string(),
  sendChannel: z.string().optional(),
  inboundChannels: z.array(z.string()),
  secretFields: z.array(z.string()),
  sendPath: z
    .string()
    .describe("the path to give as the RapidPro channel's send URL, on this service's address"),
});

export const RapidProChannelsAnswer = z.object({ channels: z.array(RapidProChannelAnswer) });

export const targetView = (target: ChtTarget): z.output<typeof TargetAnswer> => ({
  mode: target.mode,
  url: target.url,
  apiVersion: target.apiVersion,
  // What cht-relay found CHT to serve: the version in use (auto) and whether its webhook path answers.
  api:
    target.mode === 'rapidpro'
      ? {
          version:
            target.apiVersion === 'auto' ? (target.detectedApiVersion ?? undefined) : target.apiVersion,
          status: target.apiStatus ?? 'unknown',
          checkedAt: target.apiCheckedAt?.toISOString(),
        }
      : undefined,
  username: target.username ?? undefined,
  secretFields: target.secretFields,
  defaultChannel: target.defaultChannel ?? undefined,
  apiRatePerMinute: target.apiRatePerMinute ?? undefined,
  enabled: target.enabled,
  lastPollAt: target.lastPollAt?.toISOString(),
  lastPollError: target.lastPollError ?? undefined,
});

export const channelView = (channel: RapidProChannel): z.output<typeof RapidProChannelAnswer> => ({
  uuid: channel.uuid,
  rapidproUrl: channel.rapidproUrl,
  sendChannel: channel.sendChannel ?? undefined,
  inboundChannels: channel.inboundChannels,
  secretFields: channel.secretFields,
  sendPath: `/rapidpro/${channel.uuid}/send`,
});
