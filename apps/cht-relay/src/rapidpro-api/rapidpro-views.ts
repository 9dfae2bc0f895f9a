import type { ChtBroadcastRow } from '@smsgate/db';
import { z } from 'zod';
import type { OutboundRow } from '../outbound/outbound-messages';
import { isFinal, toRapidProStatus } from '../outbound/statuses';

/** RapidPro's date format: ISO 8601 in UTC with microseconds. */
export const rapidProDate = (date: Date | null): string | null =>
  date ? date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') : null;

const RapidProStatus = z.enum(['queued', 'wired', 'sent', 'delivered', 'errored', 'failed']);
const RapidProDate = z.string().nullable().describe('ISO 8601, UTC, microseconds');

export const BroadcastAnswer = z.object({
  id: z.int(),
  uuid: z.string(),
  urns: z.array(z.string()).describe('the recipients as stored: `tel:` and the number in E.164'),
  contacts: z.array(z.never()),
  groups: z.array(z.never()),
  text: z.string(),
  attachments: z.array(z.never()),
  status: z.enum(['queued', 'failed']).describe('`failed` when none of its messages will be sent (a loop)'),
  created_on: RapidProDate,
});

export const MessageAnswer = z.object({
  id: z.int(),
  uuid: z.string().describe("smsgate's message id"),
  broadcast: z.int().nullable(),
  contact: z.null(),
  urn: z.string(),
  channel: z.null(),
  direction: z.literal('out'),
  type: z.literal('text'),
  status: RapidProStatus,
  visibility: z.literal('visible'),
  text: z.string(),
  attachments: z.array(z.never()),
  labels: z.array(z.never()),
  flow: z.null(),
  failed_reason: z.string().nullable(),
  created_on: RapidProDate,
  sent_on: RapidProDate,
  modified_on: RapidProDate,
});

export const MessagesAnswer = z.object({
  next: z.null().describe('no further pages: the newest 250 matches are the answer'),
  previous: z.null(),
  results: z.array(MessageAnswer),
});

/**
 * A broadcast as RapidPro's POST /api/v2/broadcasts.json answers it. CHT reads `id` (kept as the
 * message's gateway_ref) and `status`: `queued`, or `failed` when nothing of it will be sent.
 */
export function broadcastView(
  broadcast: ChtBroadcastRow,
  messages: OutboundRow[],
): z.output<typeof BroadcastAnswer> {
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
export function messageView(row: OutboundRow): z.output<typeof MessageAnswer> {
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
