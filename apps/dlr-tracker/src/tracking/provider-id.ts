import { ChannelType } from '@smsgate/contracts';
import { canonicalSmppId } from '@smsgate/smpp';

/**
 * The canonical form of a provider's message id on a channel, so the id in a submit response and the
 * id in a later receipt compare equal. SMPP SMSCs differ in case and zero-padding of the same
 * hexadecimal id (`0A1B` in submit_sm_resp, `a1b` in the receipt text): see canonicalSmppId in
 * libs/smpp, shared with smpp-binds; IMIconnect's transids are
 * UUIDs in any case. Other providers' ids are opaque: only surrounding whitespace is dropped.
 */
export function normaliseProviderId(channelType: ChannelType, id: string): string {
  const trimmed = id.trim();
  switch (channelType) {
    case 'smpp':
      // smpp-binds publishes ids already in this form (decimal SMSC ids read into hex); applying it
      // again changes nothing, and it still matches ids from any other producer.
      return canonicalSmppId(trimmed);
    case 'imi':
      return trimmed.toLowerCase();
    case 'ex':
    case 'template':
      return trimmed;
  }
}
