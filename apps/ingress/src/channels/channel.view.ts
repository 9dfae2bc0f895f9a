import { inboundUrlsOf, receiptTimeoutOf } from '@smsgate/channel-config';
import { ChannelEntity } from '@smsgate/db';

export interface ChannelView {
  uuid: string;
  type: ChannelEntity['type'];
  name: string;
  address: string | null;
  country: string | null;
  config: Record<string, unknown>;
  /** Names of the secret fields that are set; their values are never returned. */
  secretFields: string[];
  enabled: boolean;
  /**
   * Seconds a message handed to the provider waits for its final report before it becomes `unknown`
   * (`config.receipt_timeout_seconds`, or the default); null when turned off.
   */
  receiptTimeoutSeconds: number | null;
  inboundUrls: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

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
