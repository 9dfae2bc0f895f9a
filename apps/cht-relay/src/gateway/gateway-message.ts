import { isStorable, MAX_OUTBOUND_TEXT, UNSTORABLE_CHARACTER } from '@smsgate/contracts';
import { normalizePhone } from '@smsgate/sms';
import type { NewOutbound } from '../outbound/outbound-messages';

export interface GatewayMessage {
  id: string;
  to: string;
  content: string;
}

const REPLACE_UNSTORABLE = new RegExp(UNSTORABLE_CHARACTER.source, 'gu');
const storable = (value: string): string => value.replace(REPLACE_UNSTORABLE, '\uFFFD');

/**
 * A message CHT handed over in gateway mode, as the row to store: sendable, or stored failed with the
 * reason (reported back to CHT as FAILED) when it could never be sent — an invalid number, no text,
 * text longer than a send request carries, or characters PostgreSQL cannot store (NUL, a lone
 * surrogate: stored replaced by U+FFFD). A refused message stays a row, so CHT hears of it once instead
 * of the poll failing on it forever.
 */
export function gatewayOutbound(
  workspaceId: string,
  message: GatewayMessage,
  country: string | undefined,
): NewOutbound {
  const phone = normalizePhone(message.to, country);
  const failure =
    !isStorable(message.to) || !isStorable(message.content)
      ? 'the message holds characters that cannot be stored (NUL or an unpaired surrogate)'
      : !phone.ok
        ? `invalid number: ${phone.reason}`
        : message.content.trim() === ''
          ? 'empty message'
          : message.content.length > MAX_OUTBOUND_TEXT
            ? `longer than ${MAX_OUTBOUND_TEXT} characters`
            : undefined;
  return {
    workspaceId,
    source: 'gateway',
    to: phone.ok ? phone.e164 : storable(message.to).slice(0, 32),
    text: storable(message.content).slice(0, MAX_OUTBOUND_TEXT),
    externalRef: message.id,
    failure,
  };
}
