import { trimmedProviderId, type ChannelTypeDescriptor } from '../../channel-type';
import { SMSC_PASSWORD_SECRET } from '../../shared/smsc-connection.config';
import { CIMD2_CONFIG_KEYS, parseCimd2Config, validateCimd2Config } from './cimd2.config';

/** An SMSC reached over Nokia's CIMD2; smpp-binds holds the connections and does the sending. */
export const cimd2Channel = {
  type: 'cimd2',
  validate: validateCimd2Config,
  outbound: { via: 'smpp-binds' },
  // MOs and status reports arrive on the connections, not over HTTP.
  inboundUrls: () => ({}),
  normaliseProviderId: trimmedProviderId,
  configKeys: CIMD2_CONFIG_KEYS,
  secretNames: () => [SMSC_PASSWORD_SECRET],
  attachmentsRefusal: (config) => {
    const parsed = parseCimd2Config(config);
    return parsed.ok && parsed.value.attachments === 'append_url'
      ? undefined
      : 'cimd2 channels send no MMS: set config.attachments to "append_url" to send the files\' URLs in the text';
  },
} as const satisfies ChannelTypeDescriptor<'cimd2'>;
