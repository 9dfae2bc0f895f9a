import { parseWebhookModels, receiptTimeoutOf } from '@smsgate/channel-config';
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

/** Where aggregators send this channel's inbound messages and reports. */
export function inboundUrlsOf(
  channel: Pick<ChannelEntity, 'id' | 'type'> & { config?: Record<string, unknown> },
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
    case 'template': {
      // One URL per event of the template's `Webhook` section (Ringotel's events by default).
      const models = parseWebhookModels(channel.config?.Webhook);
      if (!models.ok) return {};
      return Object.fromEntries(
        models.value.map((model) => [
          model.key,
          `${publicUrl}/c/template/${channel.id}/${encodeURIComponent(model.key)}`,
        ]),
      );
    }
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
    receiptTimeoutSeconds: receiptTimeoutOf(channel.config),
    inboundUrls: inboundUrlsOf(channel, publicUrl),
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
