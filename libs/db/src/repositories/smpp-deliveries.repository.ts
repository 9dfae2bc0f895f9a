import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type SmppDeliveryKind = 'receipt' | 'mo';

/** A deliver_sm owed to an account's ESME; `pdu` is the service's own (JSON) form of its fields. */
export interface NewSmppDelivery {
  accountId: string;
  kind: SmppDeliveryKind;
  /** Unique per account: a replayed event adds nothing. */
  dedupe: string;
  pdu: unknown;
  expiresAt: Date;
}

export interface DueSmppDelivery {
  id: string;
  accountId: string;
  kind: SmppDeliveryKind;
  pdu: unknown;
  attempts: number;
}

export const smppDeliveryQueries = {
  insertMany: `
    -- hot: every batch of receipts and MOs owed to ESMEs
    WITH inserted AS (
      INSERT INTO smpp_deliveries (account_id, kind, dedupe, pdu, expires_at)
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
      ON CONFLICT (account_id, dedupe) DO NOTHING
      RETURNING account_id)
    SELECT account_id AS "accountId" FROM inserted`,
  claimDue: `
    -- hot: every delivery round of an account with an ESME bound to receive
    WITH claimed AS (
      UPDATE smpp_deliveries d
         SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), attempts = d.attempts + 1
       WHERE d.id IN (
         SELECT id FROM smpp_deliveries
          WHERE account_id = ANY($1::uuid[]) AND state = 'pending' AND next_attempt_at <= now()
            AND expires_at > now()
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.account_id, d.kind, d.pdu, d.attempts)
    SELECT id, account_id AS "accountId", kind, pdu, attempts FROM claimed ORDER BY id`,
  markDelivered: `
    -- hot: every delivery round that delivered
    UPDATE smpp_deliveries SET state = 'delivered', finished_at = now(), last_error = NULL
     WHERE id = ANY($1::bigint[])`,
  reschedule: `
    UPDATE smpp_deliveries
       SET next_attempt_at = now() + make_interval(secs => u.delay_ms / 1000), last_error = u.error
      FROM unnest($1::bigint[], $2::double precision[], $3::text[]) AS u(id, delay_ms, error)
     WHERE smpp_deliveries.id = u.id AND state = 'pending'`,
  expire: `
    WITH expired AS (
      UPDATE smpp_deliveries SET state = 'expired', finished_at = now()
       WHERE id IN (SELECT id FROM smpp_deliveries WHERE state = 'pending' AND expires_at <= now() LIMIT $1)
      RETURNING account_id, kind)
    SELECT account_id AS "accountId", kind, count(*)::int AS n FROM expired GROUP BY account_id, kind`,
  prune: `
    WITH gone AS (
      DELETE FROM smpp_deliveries WHERE id IN (
        SELECT id FROM smpp_deliveries
         WHERE state <> 'pending' AND finished_at < now() - make_interval(hours => $1) LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
  accountsForInbound: `
    SELECT id, workspace_id AS "workspaceId", inbound_addresses AS "inboundAddresses"
      FROM smpp_accounts WHERE enabled AND cardinality(inbound_addresses) > 0`,
} as const;

/**
 * smpp_deliveries: the deliver_sm (receipts, MOs) smsgate's SMPP server owes ESMEs, durable until an ESME
 * answered or they expire. Claims are leases (FOR UPDATE SKIP LOCKED): any replica with a receiver bind
 * of the account may deliver, and a crashed replica's claims come due again.
 */
@Injectable()
export class SmppDeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts what is not there yet; the accounts of the rows inserted (one per row). */
  async insertMany(deliveries: NewSmppDelivery[]): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.db.query<{ accountId: string }[]>(smppDeliveryQueries.insertMany, [
      deliveries.map((d) => d.accountId),
      deliveries.map((d) => d.kind),
      deliveries.map((d) => d.dedupe),
      deliveries.map((d) => JSON.stringify(d.pdu)),
      deliveries.map((d) => d.expiresAt),
    ]);
    return rows.map((row) => row.accountId);
  }

  /** Up to `limit` due deliveries of these accounts, oldest first, each leased for `leaseMs`. */
  async claimDue(accountIds: string[], limit: number, leaseMs: number): Promise<DueSmppDelivery[]> {
    return this.db.query<DueSmppDelivery[]>(smppDeliveryQueries.claimDue, [accountIds, limit, leaseMs]);
  }

  async markDelivered(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(smppDeliveryQueries.markDelivered, [ids]);
  }

  async reschedule(retries: { id: string; delayMs: number; error: string }[]): Promise<void> {
    if (retries.length === 0) return;
    await this.db.query(smppDeliveryQueries.reschedule, [
      retries.map((r) => r.id),
      retries.map((r) => r.delayMs),
      retries.map((r) => r.error.slice(0, 500)),
    ]);
  }

  /** Marks up to `batch` deliveries past their expiry expired; how many, per account and kind. */
  expire(batch: number): Promise<{ accountId: string; kind: SmppDeliveryKind; n: number }[]> {
    return this.db.query(smppDeliveryQueries.expire, [batch]);
  }

  /** Deletes up to `batch` finished deliveries older than `hours`; how many. */
  async prune(hours: number, batch: number): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(smppDeliveryQueries.prune, [hours, batch]);
    return n;
  }

  /** The enabled accounts that receive MOs, with their inbound addresses. */
  accountsForInbound(): Promise<{ id: string; workspaceId: string; inboundAddresses: string[] }[]> {
    return this.db.query(smppDeliveryQueries.accountsForInbound);
  }
}
