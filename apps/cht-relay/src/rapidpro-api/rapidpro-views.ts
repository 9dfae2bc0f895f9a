import type { ChtBroadcastRow } from '@smsgate/db';
import type { OutboundRow } from '../outbound/outbound-messages';
import { isFinal, toRapidProStatus } from '../outbound/statuses';

/** RapidPro's date format: ISO 8601 in UTC with microseconds. */
export const rapidProDate = (date: Date | null): string | null =>
  date ? date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') : null;

/**
 * A broadcast as RapidPro's POST /api/v2/broadcasts.json answers it. CHT reads `id` (kept as the
 * message's gateway_ref) and `status`: `queued`, or `failed` when nothing of it will be sent.
 */
export function broadcastView(broadcast: ChtBroadcastRow, messages: OutboundRow[]) {
  const failed = messages.length > 0 && messages.every((row) => toRapidProStatus(row.status) === 'failed');
  return {
    id: Number(broadcast.id),
    uuid: broadcast.uuid,
    urns: broadcast.urns,
    contacts: [],
    groups: [],
    text: broadcast.text,
    attachments: [],
    status: failed ? 'failed' : 'queued',
    created_on: rapidProDate(broadcast.created_at),
  };
}

/** A message as RapidPro's GET /api/v2/messages.json lists it, with our status in RapidPro's names. */
export function messageView(row: OutboundRow) {
  const status = toRapidProStatus(row.status);
  return {
    id: Number(row.seq),
    uuid: row.message_id,
    broadcast: row.broadcast_id === null ? null : Number(row.broadcast_id),
    contact: null,
    urn: row.urn,
    channel: null,
    direction: 'out',
    type: 'text',
    status,
    visibility: 'visible',
    text: row.text,
    attachments: [],
    labels: [],
    flow: null,
    failed_reason: status === 'failed' ? (row.status_reason ?? row.status) : null,
    created_on: rapidProDate(row.created_at),
    sent_on: rapidProDate(row.sent_at ?? (isFinal(row.status) ? row.modified_at : null)),
    modified_on: rapidProDate(row.modified_at),
  };
}
