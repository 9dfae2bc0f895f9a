import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** An inbound message as received, with its segment count and encoding worked out. */
export interface NewInboundMessage {
  id: string;
  workspaceId: string;
  channelId: string;
  channelType: string;
  from: string;
  to: string | null;
  text: string;
  segments: number;
  encoding: string;
  providerMessageId: string | null;
  /** JSON text, or null. */
  metadata: string | null;
  /** The attachments as JSON text, or null for none. */
  attachments: string | null;
  sentAt: string | null;
  receivedAt: string;
}

export const inboundMessageQueries = {
  insertMessages: `
    -- hot: every batch of inbound messages
    INSERT INTO messages (id, workspace_id, channel_id, direction, from_addr, to_addr, text, status,
                          segments, encoding, provider_ids, metadata, created_at, updated_at,
                          attachments)
    SELECT id, ws, ch, 'in', f, t, txt, 'received', seg, enc,
           CASE WHEN pid IS NULL THEN '{}'::text[] ELSE ARRAY[pid] END, meta, at, at, att
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[],
                $8::text[], $9::text[], $10::jsonb[], $11::timestamptz[], $12::jsonb[])
         AS u(id, ws, ch, f, t, txt, seg, enc, pid, meta, at, att)
    ON CONFLICT (id) DO NOTHING`,
  // The 'received' event of a message takes the message's id as its event id: one per message.
  insertReceivedEvents: `
    -- hot: every batch of inbound messages
    INSERT INTO message_events (event_id, message_id, status, source, detail, at)
    SELECT id, id, 'received', 'ingress', jsonb_build_object('channelType', ct, 'sentAt', sent), at
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, ct, sent, at)
    ON CONFLICT (event_id) DO NOTHING`,
} as const;

/** Inbound messages, stored with their 'received' event. */
@Injectable()
export class InboundMessagesRepository {
  /** Two statements in the caller's transaction; a message stored before is left as it is. */
  async store(db: EntityManager, messages: NewInboundMessage[]): Promise<void> {
    await db.query(inboundMessageQueries.insertMessages, [
      messages.map((m) => m.id),
      messages.map((m) => m.workspaceId),
      messages.map((m) => m.channelId),
      messages.map((m) => m.from),
      messages.map((m) => m.to),
      messages.map((m) => m.text),
      messages.map((m) => m.segments),
      messages.map((m) => m.encoding),
      messages.map((m) => m.providerMessageId),
      messages.map((m) => m.metadata),
      messages.map((m) => m.receivedAt),
      messages.map((m) => m.attachments),
    ]);
    await db.query(inboundMessageQueries.insertReceivedEvents, [
      messages.map((m) => m.id),
      messages.map((m) => m.channelType),
      messages.map((m) => m.sentAt),
      messages.map((m) => m.receivedAt),
    ]);
  }
}
