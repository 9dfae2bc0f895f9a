import { trimmedProviderId, type ChannelTypeDescriptor } from '../../channel-type';
import { SMSC_PASSWORD_SECRET } from '../../shared/smsc-connection.config';
import { parseUcpConfig, UCP_CONFIG_KEYS, validateUcpConfig } from './ucp.config';

/** An SMSC reached over UCP/EMI; smpp-binds holds the connections and does the sending. */
export const ucpChannel = {
  type: 'ucp',
  validate: validateUcpConfig,
  outbound: { via: 'smpp-binds' },
  // MOs and notifications arrive on the connections, not over HTTP.
  inboundUrls: () => ({}),
  // The id is the recipient's address and the SMSC's time stamp (`AdC:SCTS`), digits both.
  normaliseProviderId: trimmedProviderId,
  configKeys: UCP_CONFIG_KEYS,
  secretNames: () => [SMSC_PASSWORD_SECRET],
  attachmentsRefusal: (config) => {
    const parsed = parseUcpConfig(config);
    return parsed.ok && parsed.value.attachments === 'append_url'
      ? undefined
      : 'ucp channels send no MMS: set config.attachments to "append_url" to send the files\' URLs in the text';
  },
} as const satisfies ChannelTypeDescriptor<'ucp'>;
