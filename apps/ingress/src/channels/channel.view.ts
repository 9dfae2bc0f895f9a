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
  inboundUrls: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** Where aggregators send this channel's inbound messages and reports. */
export function inboundUrlsOf(
  channel: Pick<ChannelEntity, 'id' | 'type'>,
  publicUrl: string,
): Record<string, string> {
  switch (channel.type) {
    case 'ex': {
      const base = `${publicUrl}/c/ex/${channel.id}`;
      return {
        receive: `${base}/receive`,
        sent: `${base}/sent`,
        delivered: `${base}/delivered`,
        failed: `${base}/failed`,
        stopped: `${base}/stopped`,
      };
    }
    case 'imi':
      return {
        receive: `${publicUrl}/c/imi/${channel.id}/receive`,
        status: `${publicUrl}/c/imi/${channel.id}/status`,
      };
    case 'template':
    case 'smpp':
      return {};
  }
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
    inboundUrls: inboundUrlsOf(channel, publicUrl),
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
