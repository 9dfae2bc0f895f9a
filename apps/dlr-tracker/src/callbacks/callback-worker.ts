import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SecretBox } from '@smsgate/db';
import { IntervalTask, mapConcurrently, RoundResult, TtlCache } from '@smsgate/runtime';
import { Counter } from 'prom-client';
import { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { CALLBACKS_ENQUEUED } from './callback-outbox';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { CallbackSender } from './callback-sender';
import { SIGNATURE_HEADER, signCallback } from './signature';
import { CallbackAllowList } from './ssrf-guard';

interface DueCallback {
  id: string;
  event_id: string;
  message_id: string;
  workspace_id: string;
  url: string;
  body: string;
  attempts: number;
}

/** How much later than a retry's delay the worker wakes for it (see deliver). */
const RETRY_WAKE_SLACK_MS = 25;

const delivered = new Counter({
  name: 'smsgate_callbacks_total',
  help: 'Status callbacks by result',
  labelNames: ['result'],
});

/**
 * Drains the callback outbox: claims due callbacks (one per message at a time, oldest first, so a
 * receiver sees a message's changes in order), signs and POSTs them, and schedules retries with backoff
 * on 5xx, timeouts and network errors. Once retries run out the failure is recorded on the message.
 * Claims are leases: a crashed worker's callbacks become due again.
 */
@Injectable()
export class CallbackWorker
  implements OnApplicationBootstrap, OnApplicationShutdown, EntitySubscriberInterface
{
  private readonly logger = new Logger(CallbackWorker.name);
  private readonly sender: CallbackSender;
  private readonly box: SecretBox;
  private readonly secrets = new TtlCache<string, string | null>(60_000, 10_000);
  private readonly task: IntervalTask;
  private stopped = false;
  private nextStrandedCheck = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    this.sender = new CallbackSender(
      new CallbackAllowList(config.CALLBACK_ALLOW_HOSTS),
      config.CALLBACK_TIMEOUT_MS,
    );
    this.box = new SecretBox(config.SECRETS_KEY);
    this.task = new IntervalTask('callback round', config.CALLBACK_POLL_INTERVAL_MS, () => this.tick(), {
      idleIntervalMs: config.CALLBACK_IDLE_POLL_INTERVAL_MS,
    });
  }

  onApplicationBootstrap(): void {
    // Told when a transaction that wrote callbacks commits: they go at once, not at the next poll.
    // Retries this worker schedules wake it when due. Polling remains for callbacks other replicas
    // wrote or left behind (an expired lease): every CALLBACK_POLL_INTERVAL_MS while rounds find
    // work, backing off to CALLBACK_IDLE_POLL_INTERVAL_MS while they find none.
    this.dataSource.subscribers.push(this);
    this.task.start(0);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (!queryRunner.data[CALLBACKS_ENQUEUED]) return;
    queryRunner.data[CALLBACKS_ENQUEUED] = false;
    this.task.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const index = this.dataSource.subscribers.indexOf(this);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
    await this.task.stop();
  }

  /** One round; true when it found a full batch (more are probably due), 'idle' when none was due. */
  async tick(): Promise<RoundResult> {
    const limit = this.config.CALLBACK_CONCURRENCY * 4;
    const leaseMs = this.config.CALLBACK_TIMEOUT_MS * 2 + 5_000;
    await this.promoteStranded();
    // Only the head of each message's line is pending: a range scan of the due index, nothing more.
    const due = await this.dataSource.query<DueCallback[]>(
      `WITH claimed AS (
         UPDATE callback_outbox o SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         WHERE o.id IN (
           SELECT c.id FROM callback_outbox c
           WHERE c.state = 'pending' AND c.next_attempt_at <= now()
           ORDER BY c.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING o.id, o.event_id, o.message_id, o.workspace_id, o.url, o.body, o.attempts)
       SELECT * FROM claimed ORDER BY id`,
      [limit, leaseMs],
    );
    if (due.length === 0) return 'idle';
    // The callbacks queued behind each claimed head go in the same round, in order, right after it:
    // the head's lease covers its line, so they need no promotion and no claim of their own. With one
    // message per request a line is usually the message's whole life (accepted … delivered).
    const followers = await this.dataSource.query<DueCallback[]>(
      `SELECT id, event_id, message_id, workspace_id, url, body, attempts FROM callback_outbox
       WHERE message_id = ANY($1::uuid[]) AND state = 'queued' ORDER BY id`,
      [[...new Set(due.map((callback) => callback.message_id))]],
    );
    const lines = new Map<string, DueCallback[]>();
    for (const callback of [...due, ...followers]) {
      const line = lines.get(callback.message_id) ?? [];
      line.push(callback);
      lines.set(callback.message_id, line);
    }
    const done: { id: string; messageId: string; attempts: number }[] = [];
    let promoted = 0;
    try {
      // Once stopping, the callbacks not started yet are left to their leases. A line stops at its
      // first callback that did not go through: what follows waits behind it.
      await mapConcurrently([...lines.values()], this.config.CALLBACK_CONCURRENCY, async (line) => {
        line.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
        for (const callback of line) {
          if (this.stopped || !(await this.deliver(callback, done))) return;
        }
      });
    } finally {
      // One transaction for the round's successes. Should it fail (or the process die first), their
      // leases expire and they are sent again: receivers deduplicate on X-Smsgate-Event-Id.
      if (done.length > 0)
        await this.dataSource.transaction(async (db) => {
          const messageIds = [...new Set(done.map((d) => d.messageId))];
          await lockMessages(db, messageIds);
          await db.query(
            `UPDATE callback_outbox o
             SET state = 'delivered', attempts = u.attempts, finished_at = now(), last_error = NULL
             FROM unnest($1::bigint[], $2::int[]) AS u(id, attempts)
             WHERE o.id = u.id`,
            [done.map((d) => d.id), done.map((d) => d.attempts)],
          );
          promoted += await promoteNext(db, messageIds);
        });
    }
    // Callbacks this round made pending (queued behind one it finished) are due now.
    return due.length === limit || promoted > 0;
  }

  /**
   * Promotes the head of any line left without a pending callback, at most once a minute. The locks in
   * `lockMessages` keep that from happening; this is the safety net, so a line can never stall.
   */
  private async promoteStranded(): Promise<void> {
    if (Date.now() < this.nextStrandedCheck) return;
    this.nextStrandedCheck = Date.now() + 60_000;
    const promoted = await this.dataSource.query<{ id: string }[]>(
      `WITH promoted AS (
         UPDATE callback_outbox SET state = 'pending', next_attempt_at = now()
         WHERE id IN (
           SELECT min(q.id) FROM callback_outbox q
           WHERE q.state = 'queued' AND q.created_at < now() - interval '1 minute'
             AND NOT EXISTS (SELECT 1 FROM callback_outbox p WHERE p.message_id = q.message_id AND p.state = 'pending')
           GROUP BY q.message_id)
         RETURNING id)
       SELECT id FROM promoted`,
    );
    if (promoted.length > 0) this.logger.warn(`promoted ${promoted.length} stranded queued callbacks`);
  }

  /** True when the callback went through (it joins `done`, marked delivered at the end of the round). */
  private async deliver(
    callback: DueCallback,
    done: { id: string; messageId: string; attempts: number }[],
  ): Promise<boolean> {
    const secret = await this.signingSecret(callback.workspace_id);
    const headers: Record<string, string> = { 'x-smsgate-event-id': callback.event_id };
    if (secret)
      headers[SIGNATURE_HEADER] = signCallback(secret, callback.body, Math.floor(Date.now() / 1_000));
    const result = await this.sender.send(callback.url, callback.body, headers);
    const attempts = callback.attempts + 1;
    if (result.ok) {
      delivered.inc({ result: 'delivered' });
      done.push({ id: callback.id, messageId: callback.message_id, attempts });
      return true;
    }
    const delays = this.config.CALLBACK_RETRY_DELAYS_MS;
    if (result.retry && attempts <= delays.length) {
      delivered.inc({ result: 'retry' });
      // A follower that fails becomes the head of what is left of its line.
      await this.dataSource.query(
        `UPDATE callback_outbox
         SET state = 'pending', attempts = $2, last_error = $3,
             next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
         WHERE id = $1`,
        [callback.id, attempts, result.error.slice(0, 500), delays[attempts - 1]],
      );
      // PostgreSQL's clock decides when it is due (now() + delay, in microseconds, at the statement's
      // start); ours only approximates that instant (milliseconds, after the answer): wake a little
      // later so the round finds it due. Another host's clock may differ more: the poll covers that.
      this.task.wakeIn(delays[attempts - 1] + RETRY_WAKE_SLACK_MS);
      return false;
    }
    delivered.inc({ result: 'failed' });
    this.logger.warn(
      `callback ${callback.event_id} for message ${callback.message_id} failed: ${result.error}`,
    );
    let promoted = 0;
    await this.dataSource.transaction(async (db) => {
      // The message first: its row lock orders this after any ledger transaction queueing behind us.
      await db.query(
        `UPDATE messages SET callback_failure = jsonb_build_object('eventId', $2::text, 'url', $3::text,
                  'error', $4::text, 'attempts', $5::int, 'at', now()), updated_at = now()
         WHERE id = $1`,
        [callback.message_id, callback.event_id, callback.url, result.error.slice(0, 500), attempts],
      );
      await db.query(
        `UPDATE callback_outbox SET state = 'failed', attempts = $2, last_error = $3, finished_at = now()
         WHERE id = $1`,
        [callback.id, attempts, result.error.slice(0, 500)],
      );
      promoted = await promoteNext(db, [callback.message_id]);
    });
    if (promoted > 0) this.task.wake();
    return false;
  }

  private signingSecret(workspace: string): Promise<string | null> {
    return this.secrets.get(workspace, () => this.readSigningSecret(workspace));
  }

  private async readSigningSecret(workspace: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ signing_secret: string | null }[]>(
      `SELECT signing_secret FROM workspaces WHERE id = $1`,
      [workspace],
    );
    let secret: string | null = null;
    if (row?.signing_secret) {
      try {
        secret = this.box.open(row.signing_secret).signingSecret ?? null;
      } catch (error) {
        this.logger.error(`signing secret of workspace ${workspace} cannot be opened: ${String(error)}`);
      }
    }
    return secret;
  }
}

/**
 * Waits for ledger transactions that hold these messages (they may be queueing callbacks behind the
 * ones this transaction finishes) and keeps new ones out until it commits: either way, the next
 * callback is promoted or is inserted as pending itself.
 */
async function lockMessages(db: EntityManager, messageIds: string[]): Promise<void> {
  await db.query(`SELECT 1 FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`, [messageIds]);
}

/**
 * Makes the oldest queued callback of each message pending, for messages left without one; how many
 * it made pending (due now).
 */
async function promoteNext(db: EntityManager, messageIds: string[]): Promise<number> {
  const [{ promoted }] = await db.query<{ promoted: number }[]>(
    `WITH promoted AS (
       UPDATE callback_outbox SET state = 'pending', next_attempt_at = now()
       WHERE id IN (
         SELECT min(q.id) FROM callback_outbox q
         WHERE q.message_id = ANY($1::uuid[]) AND q.state = 'queued'
           AND NOT EXISTS (SELECT 1 FROM callback_outbox p WHERE p.message_id = q.message_id AND p.state = 'pending')
         GROUP BY q.message_id)
       RETURNING 1)
     SELECT count(*)::int AS promoted FROM promoted`,
    [messageIds],
  );
  return promoted;
}
