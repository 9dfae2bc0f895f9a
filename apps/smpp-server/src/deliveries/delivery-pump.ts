import type { ClaimedSmppDelivery } from '@smsgate/db';
import type { DeliverSmFields } from '@smsgate/smpp-server';
import { pduOfStored } from './delivery-rows';

/** What the pump needs of a bound receiver/transceiver session (SmppServerSession). */
export interface DeliverySession {
  deliver(fields: DeliverSmFields): Promise<number>;
  readonly deliverCapacity: number;
}

/** What the pump needs of the process' SessionRegistry. */
export interface DeliveryRegistry {
  list(): Array<{ accountId: string }>;
  receivers(accountId: string): DeliverySession[];
}

/** What the pump needs of SmppDeliveriesRepository. */
export interface DeliveryOutbox {
  claimDue(accountIds: string[], limit: number, leaseMs: number): Promise<ClaimedSmppDelivery[]>;
  markDelivered(ids: string[]): Promise<void>;
  markFailed(failures: Array<{ id: string; error: string }>): Promise<void>;
  reschedule(retries: Array<{ id: string; delayMs: number; error: string }>): Promise<void>;
  release(ids: string[]): Promise<void>;
}

export interface DeliveryPumpOptions {
  /** SMPP_DELIVERY_POLL_INTERVAL_MS: how often rows other replicas wrote are looked for. */
  pollIntervalMs: number;
  /**
   * How long a claimed row is kept from other claimers. Longer than a deliver's wait for a window slot
   * plus its response timeout: a row comes back only when its claimer died.
   */
  leaseMs?: number;
  /** First retry delay, doubled per attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Rows claimed at most per round. */
  maxBatch?: number;
}

export interface DeliveryPumpCounters {
  /** One per deliver_sm answered, by result: delivered, failed (for good), retried. */
  sent(result: 'delivered' | 'failed' | 'retried', kind: string): void;
}

/**
 * ESME statuses that will not change with a retry: the address is unknown to it (ESME_RINVSRCADR,
 * ESME_RINVDSTADR) or its application refuses the message for good (ESME_RX_P_APPN, ESME_RX_R_APPN).
 * The row is finished as 'failed'. Any other status, a timeout or a closed session is retried.
 */
export const PERMANENT_ESME_STATUSES: ReadonlySet<number> = new Set([0x0a, 0x0b, 0x65, 0x66]);

const hex = (status: number) => `0x${status.toString(16).padStart(8, '0')}`;

/**
 * Sends the outbox's due rows of the accounts with receivers bound in this process. A round claims up to
 * the free deliver window of those sessions (leased, SKIP LOCKED, so replicas sharing an account never
 * send one row together), hands each row to the account's session with most room, oldest first, and
 * writes the results in batches: 0 delivered, a permanent status failed, anything else retried with
 * backoff. A full round runs another at once.
 *
 * At least once: if the process dies after the ESME's deliver_sm_resp but before markDelivered, the
 * lease runs out and the row is sent again (an ESME sees the same receipted_message_id twice).
 */
export class DeliveryPump {
  private readonly leaseMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly maxBatch: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly outbox: DeliveryOutbox,
    private readonly registry: DeliveryRegistry,
    private readonly options: DeliveryPumpOptions,
    private readonly counters?: DeliveryPumpCounters,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.leaseMs = options.leaseMs ?? 300_000;
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 600_000;
    this.maxBatch = options.maxBatch ?? 500;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops polling and waits for the round under way (its deliveries answered or failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Rows were queued for these accounts: a round now if any has a receiver here. */
  inserted(accountIds: string[]): void {
    if (accountIds.some((accountId) => this.registry.receivers(accountId).length > 0)) this.wake();
  }

  /** A session event (SmppServerSession's onEvent): a bind may have rows waiting for it. */
  onSessionEvent(event: string): void {
    if (event === 'bound') this.wake();
  }

  /** Runs a round, or one more after the one under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        if (await this.round()) this.again = true;
      } catch (error) {
        this.onError(error);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** One claim and its sends; true when it was full (more may be due). */
  async round(): Promise<boolean> {
    const capacity = new Map<string, number>();
    for (const { accountId } of this.registry.list()) {
      if (capacity.has(accountId)) continue;
      const free = this.registry
        .receivers(accountId)
        .reduce((sum, session) => sum + session.deliverCapacity, 0);
      if (free > 0) capacity.set(accountId, free);
    }
    if (capacity.size === 0) return false;
    const limit = Math.min(
      this.maxBatch,
      [...capacity.values()].reduce((a, b) => a + b, 0),
    );
    const claimed = await this.outbox.claimDue([...capacity.keys()], limit, this.leaseMs);
    if (claimed.length === 0) return false;

    const delivered: string[] = [];
    const failed: Array<{ id: string; error: string }> = [];
    const retries: Array<{ id: string; delayMs: number; error: string }> = [];
    const unsent: string[] = [];
    // deliver() takes its window slot when called, so each pick sees the slots taken before it.
    const sends = claimed.map(async (row) => {
      const session = this.pick(row.accountId);
      if (!session) {
        unsent.push(row.id);
        return;
      }
      try {
        const status = await session.deliver(pduOfStored(row.pdu));
        if (status === 0) {
          delivered.push(row.id);
          this.counters?.sent('delivered', row.kind);
        } else if (PERMANENT_ESME_STATUSES.has(status)) {
          failed.push({ id: row.id, error: `deliver_sm_resp ${hex(status)}` });
          this.counters?.sent('failed', row.kind);
        } else {
          retries.push({
            id: row.id,
            delayMs: this.backoff(row.attempts),
            error: `deliver_sm_resp ${hex(status)}`,
          });
          this.counters?.sent('retried', row.kind);
        }
      } catch (error) {
        retries.push({
          id: row.id,
          delayMs: this.backoff(row.attempts),
          error: String((error as Error)?.message ?? error),
        });
        this.counters?.sent('retried', row.kind);
      }
    });
    await Promise.all(sends);
    await this.outbox.markDelivered(delivered);
    await this.outbox.markFailed(failed);
    await this.outbox.reschedule(retries);
    await this.outbox.release(unsent);
    return claimed.length === limit;
  }

  /** The account's session with the most free slots now; none when all are full or gone. */
  private pick(accountId: string): DeliverySession | undefined {
    let best: DeliverySession | undefined;
    for (const session of this.registry.receivers(accountId)) {
      if (session.deliverCapacity > (best?.deliverCapacity ?? 0)) best = session;
    }
    return best;
  }

  /** retryDelayMs × 2^(attempts − 1), at most maxRetryDelayMs. */
  backoff(attempts: number): number {
    return Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
  }
}
