import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Marks a query runner whose transaction wrote callbacks (its `data`, TypeORM's slot for that). */
export const CALLBACKS_ENQUEUED = 'smsgate.callbacksEnqueued';

/** A status callback to write to the outbox, in the transaction that applied the change. */
export interface NewCallback {
  eventId: string;
  messageId: string;
  workspaceId: string;
  url: string;
  body: string;
}

/** A callback of one message as its page shows it (finished ones stay a few hours). */
export interface MessageCallback {
  url: string;
  body: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A callback claimed for sending (or queued behind one that was), as its row reads. */
export interface DueCallback {
  id: string;
  event_id: string;
  message_id: string;
  workspace_id: string;
  url: string;
  body: string;
  attempts: number;
}

export const callbackOutboxQueries = {
  enqueue: `
    -- hot: every batch of status changes whose messages ask for callbacks
    INSERT INTO callback_outbox (event_id, message_id, workspace_id, url, body, state, next_attempt_at,
                                 created_at)
    SELECT u.event_id, u.message_id, u.workspace_id, u.url, u.body,
           CASE WHEN u.first AND NOT EXISTS (
                  SELECT 1 FROM callback_outbox w
                  WHERE w.message_id = u.message_id AND w.state IN ('pending', 'queued'))
                THEN 'pending' ELSE 'queued' END,
           now(), now()
    FROM jsonb_to_recordset($1::jsonb)
      AS u(n int, event_id uuid, message_id uuid, workspace_id uuid, url text, body text, first boolean)
    ORDER BY u.n
    ON CONFLICT (event_id) DO NOTHING`,
  claimDue: `
    -- hot: every callback round
    WITH claimed AS (
      UPDATE callback_outbox o SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
      WHERE o.id IN (
        SELECT c.id FROM callback_outbox c
        WHERE c.state = 'pending' AND c.next_attempt_at <= now()
        ORDER BY c.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.event_id, o.message_id, o.workspace_id, o.url, o.body, o.attempts)
    SELECT * FROM claimed ORDER BY id`,
  queuedBehind: `
    -- hot: every callback round that claimed callbacks
    SELECT id, event_id, message_id, workspace_id, url, body, attempts FROM callback_outbox
    WHERE message_id = ANY($1::uuid[]) AND state = 'queued' ORDER BY id`,
  lockMessages: `
    -- hot: every callback round that delivered callbacks
    SELECT 1 FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`,
  markDelivered: `
    -- hot: every callback round that delivered callbacks
    UPDATE callback_outbox o
    SET state = 'delivered', attempts = u.attempts, finished_at = now(), last_error = NULL
    FROM unnest($1::bigint[], $2::int[]) AS u(id, attempts)
    WHERE o.id = u.id`,
  promoteNext: `
    -- hot: every callback round that finished callbacks
    WITH promoted AS (
      UPDATE callback_outbox SET state = 'pending', next_attempt_at = now()
      WHERE id IN (
        SELECT min(q.id) FROM callback_outbox q
        WHERE q.message_id = ANY($1::uuid[]) AND q.state = 'queued'
          AND NOT EXISTS (SELECT 1 FROM callback_outbox p WHERE p.message_id = q.message_id AND p.state = 'pending')
        GROUP BY q.message_id)
      RETURNING 1)
    SELECT count(*)::int AS promoted FROM promoted`,
  promoteStranded: `
    WITH promoted AS (
      UPDATE callback_outbox SET state = 'pending', next_attempt_at = now()
      WHERE id IN (
        SELECT min(q.id) FROM callback_outbox q
        WHERE q.state = 'queued' AND q.created_at < now() - interval '1 minute'
          AND NOT EXISTS (SELECT 1 FROM callback_outbox p WHERE p.message_id = q.message_id AND p.state = 'pending')
        GROUP BY q.message_id)
      RETURNING id)
    SELECT id FROM promoted`,
  scheduleRetry: `
    -- hot: every callback a receiver refused for now
    WITH retried AS (
      UPDATE callback_outbox
      SET state = 'pending', attempts = $2, last_error = $3,
          next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
      WHERE id = $1
      RETURNING next_attempt_at)
    SELECT GREATEST(0, EXTRACT(EPOCH FROM next_attempt_at - clock_timestamp()) * 1000)::double precision AS wait_ms
    FROM retried`,
  recordFailureOnMessage: `
    UPDATE messages SET callback_failure = jsonb_build_object('eventId', $2::text, 'url', $3::text,
             'error', $4::text, 'attempts', $5::int, 'at', now()), updated_at = now()
    WHERE id = $1`,
  markFailed: `
    UPDATE callback_outbox SET state = 'failed', attempts = $2, last_error = $3, finished_at = now()
    WHERE id = $1`,
  ofMessage: `
    SELECT url, body, state, attempts, last_error, created_at, finished_at FROM callback_outbox
    WHERE message_id = $1 ORDER BY id`,
  pruneFinished: `
    WITH gone AS (
      DELETE FROM callback_outbox WHERE id IN (
        SELECT id FROM callback_outbox
        WHERE state IN ('delivered', 'failed')
          AND finished_at < now() - make_interval(hours => $1::int)
        ORDER BY id LIMIT $2)
      RETURNING id)
    SELECT id FROM gone`,
} as const;

/**
 * The callback outbox. Callbacks of one message wait in line: a callback starts `pending` (claimable)
 * when nothing of its message is waiting before it, else `queued` behind it; the worker promotes the
 * next one when one finishes. Claims are leases: a crashed worker's callbacks become due again.
 */
@Injectable()
export class CallbackOutboxRepository {
  constructor(private readonly db: DataSource) {}

  /** The message's callbacks still in the outbox, oldest first. */
  async ofMessage(messageId: string): Promise<MessageCallback[]> {
    const rows = await this.db.query<
      {
        url: string;
        body: string;
        state: string;
        attempts: number;
        last_error: string | null;
        created_at: Date;
        finished_at: Date | null;
      }[]
    >(callbackOutboxQueries.ofMessage, [messageId]);
    return rows.map((row) => ({
      url: row.url,
      body: row.body,
      state: row.state,
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    }));
  }

  /**
   * Writes callbacks in order, in the caller's transaction, and marks it (CALLBACKS_ENQUEUED) for the
   * worker to start a round once it commits. `first` marks the first row of its message in the
   * statement, which cannot see the statement's own earlier rows. An event written before is skipped.
   */
  async enqueue(db: EntityManager, callbacks: NewCallback[]): Promise<void> {
    if (callbacks.length === 0) return;
    if (db.queryRunner) db.queryRunner.data[CALLBACKS_ENQUEUED] = true;
    const seen = new Set<string>();
    const rows = callbacks.map((c, n) => {
      const first = !seen.has(c.messageId);
      seen.add(c.messageId);
      const { eventId, messageId, workspaceId, url, body } = c;
      return { n, event_id: eventId, message_id: messageId, workspace_id: workspaceId, url, body, first };
    });
    await db.query(callbackOutboxQueries.enqueue, [JSON.stringify(rows)]);
  }

  /** Leases up to `limit` due heads of their lines for `leaseMs`, oldest due first; in id order. */
  claimDue(limit: number, leaseMs: number): Promise<DueCallback[]> {
    return this.db.query<DueCallback[]>(callbackOutboxQueries.claimDue, [limit, leaseMs]);
  }

  /** The callbacks queued behind these messages' heads, in id order. */
  queuedBehind(messageIds: string[]): Promise<DueCallback[]> {
    return this.db.query<DueCallback[]>(callbackOutboxQueries.queuedBehind, [messageIds]);
  }

  /**
   * Waits for ledger transactions that hold these messages (they may be queueing callbacks behind the
   * ones this transaction finishes) and keeps new ones out until it commits: either way, the next
   * callback is promoted or is inserted as pending itself.
   */
  async lockMessages(db: EntityManager, messageIds: string[]): Promise<void> {
    await db.query(callbackOutboxQueries.lockMessages, [messageIds]);
  }

  async markDelivered(db: EntityManager, done: { id: string; attempts: number }[]): Promise<void> {
    await db.query(callbackOutboxQueries.markDelivered, [done.map((d) => d.id), done.map((d) => d.attempts)]);
  }

  /**
   * Makes the oldest queued callback of each message pending, for messages left without one; how many
   * it made pending (due now).
   */
  async promoteNext(db: EntityManager, messageIds: string[]): Promise<number> {
    const [{ promoted }] = await db.query<{ promoted: number }[]>(callbackOutboxQueries.promoteNext, [
      messageIds,
    ]);
    return promoted;
  }

  /** Promotes the head of any line a minute old left without a pending callback; how many. */
  async promoteStranded(): Promise<number> {
    return (await this.db.query<{ id: string }[]>(callbackOutboxQueries.promoteStranded)).length;
  }

  /**
   * Makes the callback due again `delayMs` from now by PostgreSQL's clock, the one the claim reads, and
   * answers how long that is from when the statement ran (undefined when the row is gone): the caller
   * waits that long rather than guessing the instant with its own clock.
   */
  async scheduleRetry(
    id: string,
    attempts: number,
    error: string,
    delayMs: number,
  ): Promise<number | undefined> {
    const [row] = await this.db.query<{ wait_ms: number }[]>(callbackOutboxQueries.scheduleRetry, [
      id,
      attempts,
      error,
      delayMs,
    ]);
    return row?.wait_ms;
  }

  /** Records on the message that its callback failed for good; first, so its row lock orders this. */
  async recordFailureOnMessage(
    db: EntityManager,
    callback: { messageId: string; eventId: string; url: string; error: string; attempts: number },
  ): Promise<void> {
    await db.query(callbackOutboxQueries.recordFailureOnMessage, [
      callback.messageId,
      callback.eventId,
      callback.url,
      callback.error,
      callback.attempts,
    ]);
  }

  async markFailed(db: EntityManager, id: string, attempts: number, error: string): Promise<void> {
    await db.query(callbackOutboxQueries.markFailed, [id, attempts, error]);
  }

  /** Deletes up to `batch` finished callbacks older than the retention, oldest first; how many. */
  async pruneFinished(retentionHours: number, batch: number): Promise<number> {
    return (
      await this.db.query<{ id: string }[]>(callbackOutboxQueries.pruneFinished, [retentionHours, batch])
    ).length;
  }
}
