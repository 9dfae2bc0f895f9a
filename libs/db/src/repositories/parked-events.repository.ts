import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** An event to park until its message or provider id exists; `payload` is kept as it came. */
export interface NewParkedEvent {
  eventId: string;
  kind: 'status' | 'receipt';
  workspaceId: string;
  channelId: string;
  messageId: string | null;
  providerMessageId: string | null;
  payload: unknown;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  reason: string;
}

/** A parked event whose other half exists by now. */
export interface ReleasableParkedEvent {
  kind: string;
  channel_id: string;
  provider_message_id: string | null;
  message_id: string | null;
}

/** A parked event older than the horizon, not reported yet. */
export interface StaleParkedEvent<P> {
  event_id: string;
  kind: string;
  payload: P;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  channel_id: string;
  reason: string;
  parked_at: Date;
}

/** DELETE … RETURNING of the receipts parked on ($1 channels, $2 provider ids), by index probes. */
function takeParkedReceipts(hot: string, condition: string): string {
  return `
    ${hot}
    WITH released AS (
      DELETE FROM parked_events p
      WHERE p.event_id IN (
        SELECT q.event_id
        FROM unnest($1::uuid[], $2::text[]) AS u(ch, pid)
        CROSS JOIN LATERAL (
          SELECT event_id FROM parked_events
          WHERE kind = 'receipt' AND channel_id = u.ch AND provider_message_id = u.pid) q${condition})
      RETURNING p.payload)
    SELECT * FROM released`;
}

export const parkedEventQueries = {
  park: `
    -- hot: every batch with statuses or receipts that came before their message or provider id
    INSERT INTO parked_events (event_id, kind, workspace_id, channel_id, message_id, provider_message_id,
                               payload, source_topic, source_partition, source_offset, reason, parked_at)
    SELECT u.*, now()
    FROM jsonb_to_recordset($1::jsonb)
      AS u(event_id uuid, kind text, workspace_id uuid, channel_id uuid, message_id uuid,
           provider_message_id text, payload jsonb, source_topic text, source_partition int,
           source_offset text, reason text)
    ON CONFLICT (event_id) DO NOTHING`,
  takeReceipts: takeParkedReceipts('-- hot: every batch that learns provider ids', ''),
  takeReceiptsOfCommittedParts: takeParkedReceipts(
    '-- hot: after every batch that learned provider ids or parked receipts',
    `
        WHERE EXISTS (SELECT 1 FROM message_parts mp
                      WHERE mp.channel_id = u.ch AND mp.provider_message_id = u.pid)`,
  ),
  takeStatuses: `
    -- hot: every batch of send requests, and every batch that parked statuses
    WITH released AS (
      DELETE FROM parked_events p
      WHERE p.kind = 'status' AND p.message_id = ANY($1::uuid[])
        AND EXISTS (SELECT 1 FROM messages m WHERE m.id = p.message_id)
      RETURNING p.payload)
    SELECT * FROM released`,
  findReleasable: `
    SELECT p.kind, p.channel_id, p.provider_message_id, p.message_id FROM parked_events p
    WHERE p.parked_at < now() - interval '1 second'
      AND CASE p.kind
            WHEN 'receipt' THEN EXISTS (SELECT 1 FROM message_parts mp
              WHERE mp.channel_id = p.channel_id AND mp.provider_message_id = p.provider_message_id)
            ELSE EXISTS (SELECT 1 FROM messages m WHERE m.id = p.message_id)
          END
    LIMIT $1`,
  lockStale: `
    SELECT event_id, kind, payload, source_topic, source_partition, source_offset, channel_id, reason, parked_at
    FROM parked_events
    WHERE reported_at IS NULL AND parked_at < now() - make_interval(secs => $1)
    ORDER BY parked_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  markReported: `
    UPDATE parked_events SET reported_at = now() WHERE event_id = ANY($1::uuid[])`,
  countByKind: `
    SELECT kind, count(*) AS n FROM parked_events GROUP BY kind`,
} as const;

/**
 * Status events and receipts that came before their message or provider id, kept until it exists.
 * Taking parked rows is a DELETE … RETURNING (a CTE: TypeORM hands back [rows, count] for a bare
 * DELETE), so when two transactions look for the same events, one of them gets them.
 */
@Injectable()
export class ParkedEventsRepository {
  constructor(private readonly db: DataSource) {}

  async park(db: EntityManager, events: NewParkedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((e) => ({
      event_id: e.eventId,
      kind: e.kind,
      workspace_id: e.workspaceId,
      channel_id: e.channelId,
      message_id: e.messageId,
      provider_message_id: e.providerMessageId,
      payload: e.payload,
      source_topic: e.sourceTopic,
      source_partition: e.sourcePartition,
      source_offset: e.sourceOffset,
      reason: e.reason,
    }));
    await db.query(parkedEventQueries.park, [JSON.stringify(rows)]);
  }

  /**
   * Takes the receipts parked on these (channel, provider id) keys; with `committedPart`, only those
   * whose part (the provider id's owner) exists for this transaction to see. Index probes per key.
   */
  async takeReceipts<P>(
    db: EntityManager,
    keys: { channel: string; providerId: string }[],
    committedPart: boolean,
  ): Promise<P[]> {
    const query = committedPart
      ? parkedEventQueries.takeReceiptsOfCommittedParts
      : parkedEventQueries.takeReceipts;
    const rows = await db.query<{ payload: P }[]>(query, [
      keys.map((k) => k.channel),
      keys.map((k) => k.providerId),
    ]);
    return rows.map((row) => row.payload);
  }

  /** Takes the statuses parked for these messages, of those that exist. */
  async takeStatuses<P>(db: EntityManager, messageIds: string[]): Promise<P[]> {
    const rows = await db.query<{ payload: P }[]>(parkedEventQueries.takeStatuses, [messageIds]);
    return rows.map((row) => row.payload);
  }

  /** Up to `limit` parked events (a second old or more) whose message or provider id exists now. */
  findReleasable(limit: number): Promise<ReleasableParkedEvent[]> {
    return this.db.query<ReleasableParkedEvent[]>(parkedEventQueries.findReleasable, [limit]);
  }

  /** Locks up to `limit` unreported events parked longer than the horizon, oldest first, skipping locked. */
  lockStale<P>(db: EntityManager, horizonSeconds: number, limit: number): Promise<StaleParkedEvent<P>[]> {
    return db.query<StaleParkedEvent<P>[]>(parkedEventQueries.lockStale, [horizonSeconds, limit]);
  }

  async markReported(db: EntityManager, eventIds: string[]): Promise<void> {
    await db.query(parkedEventQueries.markReported, [eventIds]);
  }

  async countByKind(): Promise<{ kind: string; n: number }[]> {
    const rows = await this.db.query<{ kind: string; n: string }[]>(parkedEventQueries.countByKind);
    return rows.map((row) => ({ kind: row.kind, n: Number(row.n) }));
  }
}
