import { inboundUrlsOf, receiptTimeoutOf } from '@smsgate/channel-config';
import { ChannelType } from '@smsgate/contracts';
import { ChannelEntity } from '@smsgate/db';
import { z } from 'zod';

export const ChannelView = z.object({
  uuid: z.uuid(),
  type: ChannelType,
  name: z.string(),
  address: z.string().nullable(),
  country: z.string().nullable().describe('ISO 3166 alpha-2'),
  config: z.record(z.string(), z.unknown()),
  secretFields: z
    .array(z.string())
    .describe('the names of the secrets that are set; their values are never returned'),
  enabled: z.boolean(),
  receiptTimeoutSeconds: z
    .number()
    .nullable()
    .describe(
      'seconds a message handed to the provider waits for its final report before it becomes `unknown` (`config.receipt_timeout_seconds`, or the default); null when turned off',
    ),
  inboundUrls: z
    .record(z.string(), z.string())
    .describe('where the provider reaches this channel on ingress, by name'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ChannelView = z.output<typeof ChannelView>;

export function toChannelView(channel: ChannelEntity, publicUrl: string): ChannelView {
  return {
    uuid: channel.id,
    type: channel.type,
    name: channel.name,
    address: channel.address,
    country: channel.country,
    config: channel.config,
    secretFields: channel.secretFields,
    enabled: channel.enabled,
    receiptTimeoutSeconds: receiptTimeoutOf(channel.config),
    inboundUrls: inboundUrlsOf(channel, publicUrl),
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
