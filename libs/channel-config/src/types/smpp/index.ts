import { canonicalSmppId } from '@smsgate/smpp';
import type { ChannelTypeDescriptor } from '../../channel-type';
import { parseSmppConfig, SMPP_CONFIG_KEYS, SMPP_PASSWORD_SECRET, validateSmppConfig } from './smpp.config';

/** An SMSC reached over SMPP 3.4; smpp-binds holds the sessions and does the sending. */
export const smppChannel = {
  type: 'smpp',
  // Its schema holds the common keys itself: smpp-binds takes `tps` from the parsed settings.
  validate: validateSmppConfig,
  outbound: { via: 'smpp-binds' },
  // Inbound messages and receipts arrive on the binds, not over HTTP.
  inboundUrls: () => ({}),
  // SMSCs differ in case and zero-padding of the same hexadecimal id (`0A1B` in submit_sm_resp,
  // `a1b` in the receipt). smpp-binds publishes ids already in this form; applying it again changes
  // nothing, and it still matches ids from any other producer.
  normaliseProviderId: (id) => canonicalSmppId(id.trim()),
  configKeys: SMPP_CONFIG_KEYS,
  secretNames: () => [SMPP_PASSWORD_SECRET],
  attachmentsRefusal: (config) => {
    const parsed = parseSmppConfig(config);
    return parsed.ok && parsed.value.attachments === 'append_url'
      ? undefined
      : 'smpp channels send no MMS: set config.attachments to "append_url" to send the files\' URLs in the text';
  },
} as const satisfies ChannelTypeDescriptor<'smpp'>;
