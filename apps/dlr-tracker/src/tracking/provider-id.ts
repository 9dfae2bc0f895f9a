import { ChannelType } from '@smsgate/contracts';

/**
 * The canonical form of a provider's message id on a channel, so the id in a submit response and the
 * id in a later receipt compare equal. SMPP SMSCs differ in case and zero-padding of the same
 * hexadecimal id (`0A1B` in submit_sm_resp, `a1b` in the receipt text); IMIconnect's transids are
 * UUIDs in any case. Other providers' ids are opaque: only surrounding whitespace is dropped.
 */
export function normaliseProviderId(channelType: ChannelType, id: string): string {
  const trimmed = id.trim();
  switch (channelType) {
    case 'smpp': {
      const lower = trimmed.toLowerCase();
      return /^[0-9a-f]+$/.test(lower) ? lower.replace(/^0+(?=.)/, '') : lower;
    }
    case 'imi':
      return trimmed.toLowerCase();
    case 'ex':
    case 'template':
      return trimmed;
  }
}
