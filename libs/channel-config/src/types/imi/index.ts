import type { ChannelTypeDescriptor } from '../../channel-type';
import { withCommonKeys } from '../../shared/common.config';
import { imiInbound } from './imi.inbound-handler';
import { ImiAdapter } from './imi.adapter';
import { IMI_CONFIG_KEYS, IMI_SERVICE_KEY_SECRET, validateImiConfig } from './imi.config';

/** IMIconnect's messaging API. */
export const imiChannel = {
  type: 'imi',
  validate: withCommonKeys(validateImiConfig),
  outbound: { via: 'adapter', createAdapter: (options) => new ImiAdapter(options) },
  inboundUrls: (channel, publicUrl) => ({
    receive: `${publicUrl}/c/imi/${channel.id}/receive`,
    status: `${publicUrl}/c/imi/${channel.id}/status`,
  }),
  inbound: imiInbound,
  // IMIconnect's transids are UUIDs, in any case.
  normaliseProviderId: (id) => id.trim().toLowerCase(),
  configKeys: IMI_CONFIG_KEYS,
  secretNames: () => [IMI_SERVICE_KEY_SECRET],
  // IMIconnect's SMS takes one `media-path`, which it appends to the text.
  attachmentsRefusal: (_config, attachments) =>
    attachments.length > 1
      ? `an imi channel carries one file (IMIconnect's media-path); this message has ${attachments.length}`
      : undefined,
} as const satisfies ChannelTypeDescriptor<'imi'>;
