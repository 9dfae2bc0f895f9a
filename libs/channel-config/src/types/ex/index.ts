import { trimmedProviderId, type ChannelTypeDescriptor } from '../../channel-type';
import { withCommonKeys } from '../../shared/common.config';
import { exInbound } from './ex.inbound-handler';
import { ExAdapter } from './ex.adapter';
import { EX_AUTHORIZATION_SECRET, EX_CONFIG_KEYS, exShowsQuickReplies, validateExConfig } from './ex.config';

/** RapidPro's External API channel: an aggregator already integrated with RapidPro, unchanged. */
export const exChannel = {
  type: 'ex',
  validate: withCommonKeys(validateExConfig),
  outbound: { via: 'adapter', createAdapter: (options) => new ExAdapter(options) },
  inboundUrls: (channel, publicUrl) => {
    const base = `${publicUrl}/c/ex/${channel.id}`;
    return {
      receive: `${base}/receive`,
      sent: `${base}/sent`,
      delivered: `${base}/delivered`,
      failed: `${base}/failed`,
      stopped: `${base}/stopped`,
    };
  },
  inbound: exInbound,
  normaliseProviderId: trimmedProviderId,
  configKeys: EX_CONFIG_KEYS,
  secretNames: () => [EX_AUTHORIZATION_SECRET],
  showsQuickReplies: exShowsQuickReplies,
  // As courier sends them on an External API channel: each file's URL on a line after the text.
  attachmentsRefusal: () => undefined,
} as const satisfies ChannelTypeDescriptor<'ex'>;
