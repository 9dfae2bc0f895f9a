import { isUuid, stableId } from '@smsgate/contracts';
import { normalizePhone } from '@smsgate/sms';
import type { InboundChannel, ProviderReport, Refusal } from '../../inbound/inbound-event';
import { parseIsoDate } from '../../inbound/provider-dates';

export type ExReceive =
  | { ok: true; from: string; text: string; sentAt?: Date }
  | { ok: false; reason: string };

const MAX_TEXT = 20_000;

/** The first of the named fields given as a non-blank string or a number, as text. */
export function textField(fields: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/** The channel's own names for the receive fields (courier's `mo_from_field`, `mo_text_field`, `mo_date_field`). */
export interface ExFieldNames {
  from?: string;
  text?: string;
  date?: string;
}

/** The receive field names a channel's config sets; a value that is not a non-blank string sets none. */
export function exFieldNamesOf(config: Record<string, unknown> | undefined): ExFieldNames {
  const name = (key: string) => {
    const value = config?.[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  return { from: name('mo_from_field'), text: name('mo_text_field'), date: name('mo_date_field') };
}

/** A channel's field name first, when set, then the default names (as courier's getFormField). */
const namesFor = (custom: string | undefined, ...defaults: string[]) =>
  custom === undefined ? defaults : [custom, ...defaults];

/**
 * Reads RapidPro External API channel receive fields: `from` (or `sender`), `text`, and an optional
 * `date` (or `time`) in RFC 3339, each under the channel's own name first when it sets one. The sender is
 * normalised with the channel's country.
 */
export function parseExReceive(
  fields: Record<string, unknown>,
  country: string | null,
  names: ExFieldNames = {},
): ExReceive {
  const rawFrom = textField(fields, ...namesFor(names.from, 'from', 'sender'));
  if (rawFrom === undefined || rawFrom.trim() === '')
    return { ok: false, reason: "missing required field 'from'" };
  const phone = normalizePhone(rawFrom, country ?? undefined);
  if (!phone.ok) return { ok: false, reason: `invalid 'from' number: ${phone.reason}` };
  const text = textField(fields, ...namesFor(names.text, 'text')) ?? '';
  if (text.length > MAX_TEXT) return { ok: false, reason: `'text' is longer than ${MAX_TEXT} characters` };
  const rawDate = textField(fields, ...namesFor(names.date, 'date', 'time'));
  if (rawDate === undefined || rawDate.trim() === '') return { ok: true, from: phone.e164, text };
  const sentAt = parseIsoDate(rawDate);
  if (!sentAt)
    return {
      ok: false,
      reason: `invalid date '${rawDate.slice(0, 40)}': expected RFC 3339, e.g. 2026-11-22T10:15:00Z`,
    };
  return { ok: true, from: phone.e164, text, sentAt };
}

/** RapidPro's answer to a receive it accepted. */
export const exReceiveResponse = (
  channelId: string,
  received: { messageId: string; text: string; from: string; receivedOn: Date },
) => ({
  message: 'Message Accepted',
  data: [
    {
      type: 'msg',
      channel_uuid: channelId,
      msg_uuid: received.messageId,
      text: received.text,
      urn: `tel:${received.from}`,
      received_on: received.receivedOn.toISOString(),
    },
  ],
});

const STATUS_ACTIONS = { sent: 'S', delivered: 'D', failed: 'F' } as const;
type StatusAction = keyof typeof STATUS_ACTIONS;

/** The callbacks of `/c/ex/<uuid>/<action>`: a message's progress, or `stopped` (an opt-out). */
export const isExCallbackAction = (action: string): boolean =>
  action === 'stopped' || Object.hasOwn(STATUS_ACTIONS, action);

/** `/c/ex/<uuid>/stopped`: the number (`from`, or `sender`) that opted out of the channel. */
export function readExStop(
  fields: Record<string, unknown>,
  channel: InboundChannel,
): { ok: true; from: string; response: object } | Refusal {
  const raw = textField(fields, 'from', 'sender');
  if (!raw) return { ok: false, reason: "missing required field 'from'" };
  const phone = normalizePhone(raw, channel.country ?? undefined);
  if (!phone.ok) return { ok: false, reason: `invalid 'from' number: ${phone.reason}` };
  return {
    ok: true,
    from: phone.e164,
    // Courier's answer to a channel event (its WriteChannelEventSuccess), which RapidPro aggregators parse.
    response: {
      message: 'Event Accepted',
      data: [
        {
          type: 'event',
          channel_uuid: channel.id,
          event_type: 'stop_contact',
          urn: `tel:${phone.e164}`,
          received_on: new Date().toISOString(),
        },
      ],
    },
  };
}

/** `/c/ex/<uuid>/sent|delivered|failed` with `id` (or `uuid`), our message id: a status of that message. */
export function readExStatus(
  action: string,
  fields: Record<string, unknown>,
  channel: InboundChannel,
): { ok: true; report: ProviderReport; response: object } | Refusal {
  const status = action as StatusAction;
  // Courier reads the message as `id` or, since it numbers messages by UUID, `uuid`.
  const id = textField(fields, 'id', 'uuid');
  if (!id) return { ok: false, reason: "missing required field 'id'" };
  if (!isUuid(id)) return { ok: false, reason: `'id' must be the message id smsgate sent (a UUID)` };
  return {
    ok: true,
    report: {
      // One event per (message, reported status): a repeated callback is the same event.
      eventId: stableId('ex-callback', channel.id, id, status),
      messageId: id,
      status,
      detail: { source: 'ex callback' },
      at: new Date(),
    },
    response: {
      message: 'Status Update Accepted',
      data: [{ type: 'status', channel_uuid: channel.id, status: STATUS_ACTIONS[status], msg_id: id }],
    },
  };
}
