import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type SmppDeliveryKind = 'receipt' | 'mo';

/** A deliver_sm to queue for an account (one row of smpp_deliveries). */
export interface NewSmppDelivery {
  accountId: string;
  kind: SmppDeliveryKind;
  /** The submit's id (a receipt) or the inbound message's id (an MO). */
  sourceId: string;
  /** The part's index for an MO split in several deliver_sm; 0 otherwise. */
  part: number;
  /** The deliver_sm's fields as JSON (the SMPP server's own shape; this table does not read it). */
  pdu: Record<string, unknown>;
}

/** A row claimed for sending. `attempts` counts this one. */
export interface ClaimedSmppDelivery {
  id: string;
  accountId: string;
  kind: SmppDeliveryKind;
  pdu: Record<string, unknown>;
  attempts: number;
}

/** A row that expired before an ESME took it: what a log line may say of it (never its text). */
export interface ExpiredSmppDelivery {
  id: string;
  accountId: string;
  kind: SmppDeliveryKind;
  sourceId: string;
  attempts: number;
}

/** A submit a receipt reports on (smpp_server_submits, one row per accepted submit or part). */
export interface SubmitForReceiptRow {
  id: string;
  accountId: string;
  messageId: string;
  registeredDelivery: number;
  source: string;
  destination: string;
  textHead: string;
  createdAt: Date;
}

export const smppDeliveryQueries = {
  submitsForReceipts: `
    -- hot: every consumed batch of final statuses, one read
    SELECT id, account_id AS "accountId", message_id AS "messageId", registered_delivery AS "registeredDelivery",
           source, destination, text_head AS "textHead", created_at AS "createdAt"
      FROM smpp_server_submits
     WHERE message_id = ANY($1::uuid[])
     ORDER BY created_at, id`,
  insertMany: `
    -- hot: every consumed batch of final statuses or inbound messages with deliveries for ESMEs
    INSERT INTO smpp_deliveries (account_id, kind, source_id, part, pdu, expires_at)
    SELECT u.account_id, u.kind, u.source_id, u.part, u.pdu,
           now() + make_interval(secs => $2::double precision * 3600)
      FROM jsonb_to_recordset($1::jsonb)
        AS u(n int, account_id uuid, kind text, source_id uuid, part int, pdu jsonb)
      JOIN smpp_accounts a ON a.id = u.account_id AND a.bind_modes && ARRAY['receiver', 'transceiver']
     ORDER BY u.n
    ON CONFLICT (account_id, kind, source_id, part) DO NOTHING
    RETURNING account_id AS "accountId"`,
  claimDue: `
    -- hot: every pump round of a process with receivers bound
    WITH claimed AS (
      UPDATE smpp_deliveries d
         SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
             attempts = d.attempts + 1
       WHERE d.id IN (
         SELECT c.id FROM smpp_deliveries c
          WHERE c.account_id = ANY($1::uuid[]) AND c.state = 'pending'
            AND c.next_attempt_at <= now() AND c.expires_at > now()
          ORDER BY c.id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.account_id, d.kind, d.pdu, d.attempts)
    SELECT c.id::text AS id, c.account_id AS "accountId", c.kind, c.pdu, c.attempts FROM claimed c ORDER BY c.id`,
  markDelivered: `
    -- hot: every pump round that delivered
    UPDATE smpp_deliveries SET state = 'delivered', finished_at = now(), last_error = NULL
     WHERE id = ANY($1::bigint[]) AND state = 'pending'`,
  markFailed: `
    UPDATE smpp_deliveries o SET state = 'failed', finished_at = now(), last_error = u.error
      FROM unnest($1::bigint[], $2::text[]) AS u(id, error)
     WHERE o.id = u.id AND o.state = 'pending'`,
  reschedule: `
    UPDATE smpp_deliveries o
       SET next_attempt_at = now() + make_interval(secs => u.delay_ms::double precision / 1000),
           last_error = u.error
      FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u(id, delay_ms, error)
     WHERE o.id = u.id AND o.state = 'pending'`,
  release: `
    UPDATE smpp_deliveries SET next_attempt_at = now(), attempts = greatest(attempts - 1, 0)
     WHERE id = ANY($1::bigint[]) AND state = 'pending'`,
  expire: `
    WITH expired AS (
      UPDATE smpp_deliveries d SET state = 'expired', finished_at = now()
       WHERE d.id IN (
         SELECT c.id FROM smpp_deliveries c
          WHERE c.state = 'pending' AND c.expires_at <= now()
          ORDER BY c.expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.account_id, d.kind, d.source_id, d.attempts)
    SELECT id::text, account_id AS "accountId", kind, source_id AS "sourceId", attempts FROM expired`,
  prune: `
    DELETE FROM smpp_deliveries WHERE id IN (
      SELECT id FROM smpp_deliveries
       WHERE state <> 'pending' AND finished_at < now() - make_interval(secs => $1::double precision)
       LIMIT $2)`,
} as const;

/**
 * The SMPP server's outbox of deliver_sm (receipts and MOs) to ESMEs. Consumers insert rows once per
 * event (a replay adds nothing); a pump in every replica claims the due rows of the accounts bound to it
 * (leased, SKIP LOCKED, so replicas never hold one row together), and marks or reschedules them.
 */
@Injectable()
export class SmppDeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Queues deliveries in one statement, each expiring `expiryHours` from now; a row queued before stays
   * as it is, and a row for an account deleted, or one that cannot bind as a receiver, is not queued.
   * The ids of the accounts that got new rows.
   */
  async insertMany(deliveries: NewSmppDelivery[], expiryHours: number): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.db.query<Array<{ accountId: string }>>(smppDeliveryQueries.insertMany, [
      JSON.stringify(
        deliveries.map((delivery, n) => ({
          n,
          account_id: delivery.accountId,
          kind: delivery.kind,
          source_id: delivery.sourceId,
          part: delivery.part,
          pdu: delivery.pdu,
        })),
      ),
      expiryHours,
    ]);
    return [...new Set(rows.map((row) => row.accountId))];
  }

  /** The SMPP submits of these messages (every part), for their receipts. */
  async submitsForReceipts(messageIds: string[]): Promise<SubmitForReceiptRow[]> {
    if (messageIds.length === 0) return [];
    return this.db.query<SubmitForReceiptRow[]>(smppDeliveryQueries.submitsForReceipts, [messageIds]);
  }

  /** Up to `limit` due rows of these accounts, oldest first, leased for `leaseMs`. */
  async claimDue(accountIds: string[], limit: number, leaseMs: number): Promise<ClaimedSmppDelivery[]> {
    if (accountIds.length === 0 || limit <= 0) return [];
    return this.db.query<ClaimedSmppDelivery[]>(smppDeliveryQueries.claimDue, [accountIds, limit, leaseMs]);
  }

  /** The ESME answered 0: never sent again. */
  async markDelivered(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(smppDeliveryQueries.markDelivered, [ids]);
  }

  /** The ESME refused them for good. */
  async markFailed(failures: Array<{ id: string; error: string }>): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(smppDeliveryQueries.markFailed, [
      failures.map((failure) => failure.id),
      failures.map((failure) => failure.error),
    ]);
  }

  /** Tried again after `delayMs`. */
  async reschedule(retries: Array<{ id: string; delayMs: number; error: string }>): Promise<void> {
    if (retries.length === 0) return;
    await this.db.query(smppDeliveryQueries.reschedule, [
      retries.map((retry) => retry.id),
      retries.map((retry) => Math.round(retry.delayMs)),
      retries.map((retry) => retry.error),
    ]);
  }

  /** Claimed but not sent (no session took them): due again now, the attempt not counted. */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(smppDeliveryQueries.release, [ids]);
  }

  /** Marks up to `limit` pending rows past their expiry as expired, and says which. */
  async expire(limit: number): Promise<ExpiredSmppDelivery[]> {
    return this.db.query<ExpiredSmppDelivery[]>(smppDeliveryQueries.expire, [limit]);
  }

  /** Deletes up to `limit` rows finished more than `olderThanSeconds` ago; how many. */
  async prune(olderThanSeconds: number, limit: number): Promise<number> {
    const [, affected] = await this.db.query<[unknown, number]>(smppDeliveryQueries.prune, [
      olderThanSeconds,
      limit,
    ]);
    return affected;
  }
}
