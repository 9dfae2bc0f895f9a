import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** One accepted submit_sm / data_sm (or part) as the SMPP server records it. */
export interface NewServerSubmit {
  /** The id answered in submit_sm_resp. */
  id: string;
  accountId: string;
  /** The pipeline's message: `id` for a whole message, the group's for a part. */
  messageId: string;
  /** SHA-256 of the submit (see the SMPP server's dedupe window). */
  dedupeKey: Buffer;
  registeredDelivery: number;
  source: string;
  destination: string;
  textHead: string;
}

export interface NewServerPart extends NewServerSubmit {
  concatKey: string;
  total: number;
  sequence: number;
  text: string;
}

/** A submit recorded earlier under the same dedupe key (within the window). */
export interface RecordedSubmit {
  id: string;
  messageId: string;
  published: boolean;
}

/** What a batch insert found for one submit: recorded now, or recorded before under its key. */
export type SubmitRecording = { kind: 'new' } | ({ kind: 'seen' } & RecordedSubmit);

/** A submit a receipt is about. */
export interface ReceiptSubject {
  id: string;
  accountId: string;
  messageId: string;
  registeredDelivery: number;
  source: string;
  destination: string;
  textHead: string;
  createdAt: Date;
}

export const smppServerSubmitQueries = {
  insertMany: `
    -- hot: every batch of accepted submits
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bytea[], $5::smallint[], $6::text[],
                           $7::text[], $8::text[])
        AS i(id, account_id, message_id, dedupe_key, registered_delivery, source, destination, text_head)),
    inserted AS (
      INSERT INTO smpp_server_submits (id, account_id, message_id, dedupe_key, registered_delivery, source,
                                destination, text_head)
      SELECT * FROM input
      ON CONFLICT (account_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
      RETURNING id)
    SELECT i.id AS asked, (ins.id IS NOT NULL) AS inserted, e.id, e.message_id AS "messageId", e.published
      FROM input i
      LEFT JOIN inserted ins ON ins.id = i.id
      LEFT JOIN smpp_server_submits e ON e.account_id = i.account_id AND e.dedupe_key = i.dedupe_key`,
  findByKey: `
    SELECT id, message_id AS "messageId", published FROM smpp_server_submits
     WHERE account_id = $1 AND dedupe_key = $2`,
  markPublished: `
    -- hot: every batch of published messages
    UPDATE smpp_server_submits SET published = true WHERE message_id = ANY($1::uuid[]) AND NOT published`,
  lockGroup: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
  openGroup: `
    SELECT id, message_id AS "messageId", part_sequence AS sequence, part_text AS text, source, destination
      FROM smpp_server_submits
     WHERE account_id = $1 AND concat_key = $2 AND NOT joined
     ORDER BY created_at`,
  partsOf: `
    SELECT part_sequence AS sequence, part_text AS text, joined FROM smpp_server_submits
     WHERE message_id = $1 AND concat_key IS NOT NULL ORDER BY created_at`,
  insertPart: `
    INSERT INTO smpp_server_submits (id, account_id, message_id, dedupe_key, registered_delivery, source,
                              destination, text_head, concat_key, part_total, part_sequence, part_text)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  markJoined: `UPDATE smpp_server_submits SET joined = true WHERE message_id = $1`,
  staleGroups: `
    SELECT account_id AS "accountId", concat_key AS "concatKey" FROM smpp_server_submits
     WHERE concat_key IS NOT NULL AND NOT joined AND created_at < now() - make_interval(secs => $1)
     GROUP BY account_id, concat_key LIMIT 100`,
  receiptSubjects: `
    -- hot: every batch of final statuses
    SELECT id, account_id AS "accountId", message_id AS "messageId",
           registered_delivery AS "registeredDelivery", source, destination, text_head AS "textHead",
           created_at AS "createdAt"
      FROM smpp_server_submits WHERE message_id = ANY($1::uuid[])`,
  forgetKeys: `
    WITH forgotten AS (
      UPDATE smpp_server_submits SET dedupe_key = NULL WHERE id IN (
        SELECT id FROM smpp_server_submits
         WHERE dedupe_key IS NOT NULL AND created_at < now() - make_interval(secs => $1)
         LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM forgotten`,
  prune: `
    WITH gone AS (
      DELETE FROM smpp_server_submits WHERE id IN (
        SELECT id FROM smpp_server_submits WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
} as const;

/** A part of a concatenated message still waiting for the rest of its group. */
export interface OpenPart {
  id: string;
  messageId: string;
  sequence: number;
  text: string;
  source: string;
  destination: string;
}

/**
 * smpp_server_submits: what smsgate's SMPP server accepted. Answers a resend within the dedupe window with the
 * first answer's id, holds the parts of a concatenated message until it is whole, and tells receipts
 * which submit ids a message's final status is about.
 */
@Injectable()
export class SmppServerSubmitsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records whole submits in one statement; per submit, 'new' or the submit recorded earlier under its
   * key. A key repeated within the batch, or recorded by a statement still running, is looked up again.
   */
  async insertMany(submits: NewServerSubmit[]): Promise<SubmitRecording[]> {
    const rows = await this.db.query<
      { asked: string; inserted: boolean; id: string | null; messageId: string | null; published: boolean }[]
    >(smppServerSubmitQueries.insertMany, [
      submits.map((s) => s.id),
      submits.map((s) => s.accountId),
      submits.map((s) => s.messageId),
      submits.map((s) => s.dedupeKey),
      submits.map((s) => s.registeredDelivery),
      submits.map((s) => s.source),
      submits.map((s) => s.destination),
      submits.map((s) => s.textHead),
    ]);
    const byAsked = new Map(rows.map((row) => [row.asked, row]));
    const results: SubmitRecording[] = [];
    for (const submit of submits) {
      const row = byAsked.get(submit.id);
      if (row?.inserted) results.push({ kind: 'new' });
      else if (row?.id)
        results.push({ kind: 'seen', id: row.id, messageId: row.messageId!, published: row.published });
      else {
        // Neither inserted nor there when the statement began: the key's row came from the same batch
        // or from a statement that committed meanwhile. It is there now.
        const [seen] = await this.db.query<RecordedSubmit[]>(smppServerSubmitQueries.findByKey, [
          submit.accountId,
          submit.dedupeKey,
        ]);
        if (!seen) throw new Error(`submit ${submit.id} was neither recorded nor found under its key`);
        results.push({ kind: 'seen', ...seen });
      }
    }
    return results;
  }

  /** The submit recorded under this key, if one is (within the window). */
  async findByKey(accountId: string, dedupeKey: Buffer): Promise<RecordedSubmit | undefined> {
    const [row] = await this.db.query<RecordedSubmit[]>(smppServerSubmitQueries.findByKey, [
      accountId,
      dedupeKey,
    ]);
    return row;
  }

  async markPublished(messageIds: string[]): Promise<void> {
    await this.db.query(smppServerSubmitQueries.markPublished, [messageIds]);
  }

  /**
   * Runs `work` holding the group's lock (a transaction-scoped advisory lock on account and
   * concatenation key): parts of one group are recorded and joined one at a time.
   */
  withGroup<T>(accountId: string, concatKey: string, work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (db) => {
      await db.query(smppServerSubmitQueries.lockGroup, [`${accountId}/${concatKey}`]);
      return work(db);
    });
  }

  /** The group's parts not yet joined, oldest first. */
  openGroup(db: EntityManager, accountId: string, concatKey: string): Promise<OpenPart[]> {
    return db.query<OpenPart[]>(smppServerSubmitQueries.openGroup, [accountId, concatKey]);
  }

  async insertPart(db: EntityManager, part: NewServerPart): Promise<void> {
    await db.query(smppServerSubmitQueries.insertPart, [
      part.id,
      part.accountId,
      part.messageId,
      part.dedupeKey,
      part.registeredDelivery,
      part.source,
      part.destination,
      part.textHead,
      part.concatKey,
      part.total,
      part.sequence,
      part.text,
    ]);
  }

  /** The parts recorded for a message, and whether it was made whole (joined). */
  async partsOf(
    messageId: string,
  ): Promise<{ joined: boolean; parts: { sequence: number; text: string }[] }> {
    const rows = await this.db.query<{ sequence: number; text: string; joined: boolean }[]>(
      smppServerSubmitQueries.partsOf,
      [messageId],
    );
    return { joined: rows.some((row) => row.joined), parts: rows };
  }

  async markJoined(db: EntityManager, messageId: string): Promise<void> {
    await db.query(smppServerSubmitQueries.markJoined, [messageId]);
  }

  /** Groups with parts older than `seconds` that never became whole. */
  staleGroups(seconds: number): Promise<{ accountId: string; concatKey: string }[]> {
    return this.db.query(smppServerSubmitQueries.staleGroups, [seconds]);
  }

  /** The submits of these messages (a part each for a concatenated one). */
  receiptSubjects(messageIds: string[]): Promise<ReceiptSubject[]> {
    return this.db.query<ReceiptSubject[]>(smppServerSubmitQueries.receiptSubjects, [messageIds]);
  }

  /** Clears up to `batch` dedupe keys older than the window; how many. */
  async forgetKeys(windowSeconds: number, batch: number): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(smppServerSubmitQueries.forgetKeys, [
      windowSeconds,
      batch,
    ]);
    return n;
  }

  /** Deletes up to `batch` rows older than `hours`; how many. */
  async prune(hours: number, batch: number): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(smppServerSubmitQueries.prune, [hours, batch]);
    return n;
  }
}
