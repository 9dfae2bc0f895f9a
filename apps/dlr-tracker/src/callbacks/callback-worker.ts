import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CALLBACKS_ENQUEUED, CallbackOutboxRepository, DueCallback } from '@smsgate/db';
import { IntervalTask, mapConcurrently, RoundResult } from '@smsgate/runtime';
import { Counter } from 'prom-client';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { NodeHttpClient } from '@smsgate/egress';
import { CallbackSender } from './callback-sender';
import { SIGNATURE_HEADER, signCallback } from './signature';
import { SigningSecrets } from './signing-secrets';

/**
 * EGRESS_ALLOW, plus its former name CALLBACK_ALLOW_HOSTS (with a warning to rename it): both are lists of
 * what the operator meant to allow, so an upgrade that still sets the old name keeps working.
 */
export function egressAllowOf(
  config: Pick<DlrTrackerConfig, 'EGRESS_ALLOW' | 'CALLBACK_ALLOW_HOSTS'>,
  logger: Pick<Logger, 'warn'>,
): string[] {
  if (config.CALLBACK_ALLOW_HOSTS.length > 0)
    logger.warn(
      'CALLBACK_ALLOW_HOSTS is the former name of EGRESS_ALLOW: rename it (both are read, together)',
    );
  return [...config.EGRESS_ALLOW, ...config.CALLBACK_ALLOW_HOSTS];
}

type Delivered = { id: string; messageId: string; attempts: number };

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
  private readonly http: NodeHttpClient;
  private readonly sender: CallbackSender;
  private readonly task: IntervalTask;
  private stopped = false;
  private nextStrandedCheck = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: CallbackOutboxRepository,
    private readonly secrets: SigningSecrets,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    this.http = new NodeHttpClient({ egress: { allowHosts: egressAllowOf(config, this.logger) } });
    this.sender = new CallbackSender(this.http, config.CALLBACK_TIMEOUT_MS);
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
    this.http.close();
  }

  /** One round; true when it found a full batch (more are probably due), 'idle' when none was due. */
  async tick(): Promise<RoundResult> {
    const limit = this.config.CALLBACK_CONCURRENCY * 4;
    const leaseMs = this.config.CALLBACK_TIMEOUT_MS * 2 + 5_000;
    await this.promoteStranded();
    // Only the head of each message's line is pending: a range scan of the due index, nothing more.
    const due = await this.outbox.claimDue(limit, leaseMs);
    if (due.length === 0) return 'idle';
    // The callbacks queued behind each claimed head go in the same round, in order, right after it:
    // the head's lease covers its line, so they need no promotion and no claim of their own. With one
    // message per request a line is usually the message's whole life (accepted … delivered).
    const followers = await this.outbox.queuedBehind([
      ...new Set(due.map((callback) => callback.message_id)),
    ]);
    const lines = new Map<string, DueCallback[]>();
    for (const callback of [...due, ...followers]) {
      const line = lines.get(callback.message_id) ?? [];
      line.push(callback);
      lines.set(callback.message_id, line);
    }
    const done: Delivered[] = [];
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
          await this.outbox.lockMessages(db, messageIds);
          await this.outbox.markDelivered(db, done);
          promoted += await this.outbox.promoteNext(db, messageIds);
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
    const promoted = await this.outbox.promoteStranded();
    if (promoted > 0) this.logger.warn(`promoted ${promoted} stranded queued callbacks`);
  }

  /** True when the callback went through (it joins `done`, marked delivered at the end of the round). */
  private async deliver(callback: DueCallback, done: Delivered[]): Promise<boolean> {
    const secret = await this.secrets.of(callback.workspace_id);
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
    const error = result.error.slice(0, 500);
    const delays = this.config.CALLBACK_RETRY_DELAYS_MS;
    if (result.retry && attempts <= delays.length) {
      delivered.inc({ result: 'retry' });
      // A follower that fails becomes the head of what is left of its line. PostgreSQL's clock decides
      // when it is due; the wait it answers runs from before its answer reached us, so the round it
      // wakes finds the callback due, whichever host's clock is ahead.
      const waitMs = await this.outbox.scheduleRetry(callback.id, attempts, error, delays[attempts - 1]);
      if (waitMs !== undefined) this.task.wakeIn(Math.ceil(waitMs));
      return false;
    }
    delivered.inc({ result: 'failed' });
    this.logger.warn(
      `callback ${callback.event_id} for message ${callback.message_id} failed: ${result.error}`,
    );
    let promoted = 0;
    await this.dataSource.transaction(async (db) => {
      // The message first: its row lock orders this after any ledger transaction queueing behind us.
      await this.outbox.recordFailureOnMessage(db, {
        messageId: callback.message_id,
        eventId: callback.event_id,
        url: callback.url,
        error,
        attempts,
      });
      await this.outbox.markFailed(db, callback.id, attempts, error);
      promoted = await this.outbox.promoteNext(db, [callback.message_id]);
    });
    if (promoted > 0) this.task.wake();
    return false;
  }
}
