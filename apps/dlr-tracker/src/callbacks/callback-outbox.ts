import { EntityManager } from 'typeorm';

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

/**
 * Writes callbacks to the outbox, in order. Callbacks of one message wait in line: a callback starts
 * `pending` (claimable) when nothing of its message is waiting before it, else `queued` behind it; the
 * worker promotes the next one when one finishes. `first` marks the first row of its message in the
 * statement, which cannot see the statement's own earlier rows. An event written before is skipped.
 */
export async function enqueueCallbacks(db: EntityManager, callbacks: NewCallback[]): Promise<void> {
  if (callbacks.length === 0) return;
  // Read once the transaction commits: the callback worker starts a round then (see CallbackWorker).
  if (db.queryRunner) db.queryRunner.data[CALLBACKS_ENQUEUED] = true;
  const seen = new Set<string>();
  await db.query(
    `INSERT INTO callback_outbox (event_id, message_id, workspace_id, url, body, state, next_attempt_at,
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
    [
      JSON.stringify(
        callbacks.map((c, n) => {
          const first = !seen.has(c.messageId);
          seen.add(c.messageId);
          return {
            n,
            event_id: c.eventId,
            message_id: c.messageId,
            workspace_id: c.workspaceId,
            url: c.url,
            body: c.body,
            first,
          };
        }),
      ),
    ],
  );
}
