import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A send request, to record as an `accepted` outbound message. */
export interface NewAcceptedMessage {
  id: string;
  workspaceId: string;
  channelId: string | null;
  from: string | null;
  to: string;
  text: string;
  segments: number;
  encoding: string;
  correlationId: string | null;
  /** JSON text, or null. */
  metadata: string | null;
  expiresAt: string | null;
  notifyUrl: string | null;
  notifyFormat: string | null;
  callbackData: string | null;
  priority: string;
  at: string;
  /** The statuses to call back, as a JSON array text (text[][] must be rectangular), or null: all. */
  notifyOn: string | null;
  /** The attachments as JSON text, or null for none. */
  attachments: string | null;
}

export const acceptedMessageQueries = {
  insertMessages: `
    -- hot: every batch of send requests
    INSERT INTO messages (id, workspace_id, channel_id, direction, from_addr, to_addr, text, status,
                          segments, encoding, correlation_id, metadata, expires_at, notify_url,
                          notify_format, notify_on, callback_data, priority, status_at, created_at,
                          updated_at, attachments)
    SELECT id, ws, ch, 'out', f, t, txt, 'accepted', seg, enc, corr, meta, exp, url, fmt,
           CASE WHEN n IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(n)) END,
           cbd, prio, at, at, at, att
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[],
                $8::text[], $9::text[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::text[],
                $14::text[], $15::text[], $16::timestamptz[], $17::jsonb[], $18::jsonb[])
         AS u(id, ws, ch, f, t, txt, seg, enc, corr, meta, exp, url, fmt, cbd, prio, at, n, att)
    ON CONFLICT (id) DO NOTHING`,
  // The 'accepted' event of a message takes the message's id as its event id: one per message.
  insertAcceptedEvents: `
    -- hot: every batch of send requests
    INSERT INTO message_events (event_id, message_id, status, source, detail, at)
    SELECT id, id, 'accepted', 'request', '{"source":"request"}'::jsonb, at
    FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
    ON CONFLICT (event_id) DO NOTHING`,
} as const;

/**
 * Outbound messages as their send requests arrive: `accepted`, with their first history event. (Not the
 * send_requests table: that one keeps the answers to requests a client may repeat.)
 */
@Injectable()
export class AcceptedMessagesRepository {
  /** Two statements in the caller's transaction; a request recorded before is left as it is. */
  async record(db: EntityManager, requests: NewAcceptedMessage[]): Promise<void> {
    await db.query(acceptedMessageQueries.insertMessages, [
      requests.map((r) => r.id),
      requests.map((r) => r.workspaceId),
      requests.map((r) => r.channelId),
      requests.map((r) => r.from),
      requests.map((r) => r.to),
      requests.map((r) => r.text),
      requests.map((r) => r.segments),
      requests.map((r) => r.encoding),
      requests.map((r) => r.correlationId),
      requests.map((r) => r.metadata),
      requests.map((r) => r.expiresAt),
      requests.map((r) => r.notifyUrl),
      requests.map((r) => r.notifyFormat),
      requests.map((r) => r.callbackData),
      requests.map((r) => r.priority),
      requests.map((r) => r.at),
      requests.map((r) => r.notifyOn),
      requests.map((r) => r.attachments),
    ]);
    await db.query(acceptedMessageQueries.insertAcceptedEvents, [
      requests.map((r) => r.id),
      requests.map((r) => r.at),
    ]);
  }
}
