import { Injectable } from '@nestjs/common';
import type { Attachment, MessageStatus } from '@smsgate/contracts';
import { EntityManager } from 'typeorm';

/** A history event's detail: the reporter's codes and the ledger's bookkeeping. */
export type EventDetail = Record<string, string | number | boolean | null>;

/** A history event already recorded, with what its message says about publishing it again. */
export interface RecordedEventRow {
  event_id: string;
  message_id: string;
  workspace_id: string;
  direction: 'in' | 'out';
  correlation_id: string | null;
  status: MessageStatus;
  previous_status: MessageStatus | null;
  detail: EventDetail | null;
  at: Date;
  applied: boolean;
}

export interface PartOwnerRow {
  message_id: string;
  part_index: number;
  channel_id: string;
  pid: string;
}

/** What the ledger reads of a message it applies statuses to. */
export interface LedgerMessageRow {
  id: string;
  workspace_id: string;
  channel_id: string | null;
  direction: 'in' | 'out';
  status: MessageStatus;
  attempt: number;
  part_count: number | null;
  correlation_id: string | null;
  notify_url: string | null;
  notify_format: string | null;
  notify_on: string[] | null;
  callback_data: string | null;
  to_addr: string | null;
  /** Read only for messages that call back (their callbacks show them): null otherwise. */
  attachments: Attachment[] | null;
}

export interface LedgerPartRow {
  message_id: string;
  part_index: number;
  channel_id: string | null;
  provider_message_id: string | null;
  status: MessageStatus;
  attempt: number;
}

/** A history row, named as its columns: written as it is (one JSON document per statement). */
export interface EventRow {
  event_id: string;
  message_id: string;
  status: MessageStatus;
  previous_status: MessageStatus;
  applied: boolean;
  part_index: number | null;
  source: string;
  detail: EventDetail;
  at: string;
}

export interface MessageStatusRow {
  id: string;
  status: MessageStatus;
  attempt: number;
  part_count: number | null;
  channel_id: string | null;
  status_at: string | null;
  error: EventDetail | null;
}

export interface PartStatusRow extends LedgerPartRow {
  updated_at: string;
}

export const messageStatusQueries = {
  findRecordedEvents: `
    -- hot: every batch of statuses and receipts (duplicates by event id)
    SELECT e.event_id, e.message_id, m.workspace_id, m.direction, m.correlation_id, e.status,
           e.previous_status, e.detail, e.at, e.applied
    FROM message_events e JOIN messages m ON m.id = e.message_id
    WHERE e.event_id = ANY($1::uuid[])`,
  // One index probe per receipt, whatever the statistics say (taken while the table was small, they
  // made the planner hash-join a scan of every part, a cost growing with the table).
  findPartOwners: `
    -- hot: every batch of receipts and statuses naming provider ids
    SELECT p.message_id, p.part_index, p.channel_id, p.provider_message_id AS pid
    FROM unnest($1::uuid[], $2::text[]) AS u(ch, pid)
    CROSS JOIN LATERAL (
      SELECT message_id, part_index, channel_id, provider_message_id FROM message_parts
      WHERE channel_id = u.ch AND provider_message_id = u.pid LIMIT 1) p`,
  lockMessages: `
    -- hot: every batch of statuses and receipts
    SELECT id, workspace_id, channel_id, direction, status, attempt, part_count, correlation_id,
           notify_url, notify_format, notify_on, callback_data, to_addr,
           CASE WHEN notify_url IS NULL THEN NULL ELSE attachments END AS attachments
    FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
  findParts: `
    -- hot: every batch of statuses and receipts
    SELECT message_id, part_index, channel_id, provider_message_id, status, attempt
    FROM message_parts WHERE message_id = ANY($1::uuid[])`,
  insertEvents: `
    -- hot: every batch of statuses and receipts
    INSERT INTO message_events (event_id, message_id, status, previous_status, applied, part_index, source,
                                detail, at)
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS u(event_id uuid, message_id uuid, status text, previous_status text, applied boolean,
           part_index int, source text, detail jsonb, at timestamptz)
    ON CONFLICT (event_id) DO NOTHING`,
  updateMessages: `
    -- hot: every batch of statuses and receipts that changed messages
    UPDATE messages m
    SET status = u.status, attempt = u.attempt, part_count = u.part_count,
        channel_id = COALESCE(m.channel_id, u.channel_id),
        status_at = COALESCE(u.status_at, m.status_at), error = COALESCE(u.error, m.error),
        updated_at = now()
    FROM jsonb_to_recordset($1::jsonb)
      AS u(id uuid, status text, attempt int, part_count int, channel_id uuid, status_at timestamptz,
           error jsonb)
    WHERE m.id = u.id`,
  upsertParts: `
    -- hot: every batch of statuses and receipts that changed parts
    INSERT INTO message_parts (message_id, part_index, channel_id, provider_message_id, status, attempt,
                               updated_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS u(message_id uuid, part_index int, channel_id uuid, provider_message_id text, status text,
           attempt int, updated_at timestamptz)
    ON CONFLICT (message_id, part_index) DO UPDATE
    SET channel_id = EXCLUDED.channel_id, provider_message_id = EXCLUDED.provider_message_id,
        status = EXCLUDED.status, attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at`,
} as const;

/**
 * Outbound messages' statuses, parts and history as the status ledger reads and writes them, all in
 * the caller's transaction. Each write takes its rows as one JSON document (`jsonb_to_recordset`): one
 * parameter, encoded natively, instead of one array literal per column the driver escapes one by one.
 */
@Injectable()
export class MessageStatusRepository {
  findRecordedEvents(db: EntityManager, eventIds: string[]): Promise<RecordedEventRow[]> {
    return db.query<RecordedEventRow[]>(messageStatusQueries.findRecordedEvents, [eventIds]);
  }

  /** The parts these (channel, provider id) pairs name, where known. */
  findPartOwners(
    db: EntityManager,
    keys: { channel: string; providerId: string }[],
  ): Promise<PartOwnerRow[]> {
    return db.query<PartOwnerRow[]>(messageStatusQueries.findPartOwners, [
      keys.map((k) => k.channel),
      keys.map((k) => k.providerId),
    ]);
  }

  /** Locks the messages in id order (one order for every transaction: no deadlocks between partitions). */
  lockMessages(db: EntityManager, messageIds: string[]): Promise<LedgerMessageRow[]> {
    return db.query<LedgerMessageRow[]>(messageStatusQueries.lockMessages, [messageIds]);
  }

  findParts(db: EntityManager, messageIds: string[]): Promise<LedgerPartRow[]> {
    return db.query<LedgerPartRow[]>(messageStatusQueries.findParts, [messageIds]);
  }

  async insertEvents(db: EntityManager, events: EventRow[]): Promise<void> {
    if (events.length > 0) await db.query(messageStatusQueries.insertEvents, [JSON.stringify(events)]);
  }

  async updateMessages(db: EntityManager, messages: MessageStatusRow[]): Promise<void> {
    if (messages.length > 0) await db.query(messageStatusQueries.updateMessages, [JSON.stringify(messages)]);
  }

  async upsertParts(db: EntityManager, parts: PartStatusRow[]): Promise<void> {
    if (parts.length > 0) await db.query(messageStatusQueries.upsertParts, [JSON.stringify(parts)]);
  }
}
