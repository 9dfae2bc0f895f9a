import type { ExpiredSmppDelivery } from '@smsgate/db';

export interface ExpiryOutbox {
  expire(limit: number): Promise<ExpiredSmppDelivery[]>;
  prune(olderThanSeconds: number, limit: number): Promise<number>;
}

export interface ExpiryLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Finished rows are kept this long (to answer "was it sent?"), then deleted. */
export const FINISHED_RETENTION_SECONDS = 7 * 24 * 3600;
const BATCH = 1000;

/**
 * Finishes the rows no ESME took before `expires_at` (SMPP_DELIVERY_EXPIRY_HOURS after they were
 * queued) and deletes finished rows past their retention. Each expired row is counted by kind and
 * logged by account, kind and source id: never its text. Any replica may run it (SKIP LOCKED).
 */
export class DeliveryExpiry {
  constructor(
    private readonly outbox: ExpiryOutbox,
    private readonly log: ExpiryLog,
    private readonly expiredCounter: (kind: string, count: number) => void,
  ) {}

  /** One pass; the number of rows expired. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.outbox.expire(BATCH);
      const byKind = new Map<string, number>();
      for (const row of expired) {
        byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + 1);
        this.log.warn(
          { accountId: row.accountId, kind: row.kind, sourceId: row.sourceId, attempts: row.attempts },
          'SMPP delivery expired before an ESME took it',
        );
      }
      for (const [kind, count] of byKind) this.expiredCounter(kind, count);
      total += expired.length;
      if (expired.length < BATCH) break;
    }
    while ((await this.outbox.prune(FINISHED_RETENTION_SECONDS, BATCH)) === BATCH);
    return total;
  }
}
