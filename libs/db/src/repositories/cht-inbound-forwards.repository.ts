import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const chtInboundForwardQueries = {
  claimLoopCheck: `
    -- hot: per inbound message relayed
    INSERT INTO cht_inbound_forwards (message_id, target) VALUES ($1, 'loop-check')
    ON CONFLICT DO NOTHING RETURNING message_id`,
  settleLoopCheck: `
    -- hot: per inbound message relayed
    UPDATE cht_inbound_forwards SET outcome = $2, done_at = now() WHERE message_id = $1 AND target = 'loop-check'`,
  findLoopCheckOutcome: `
    -- hot: per inbound message delivered again
    SELECT outcome FROM cht_inbound_forwards WHERE message_id = $1 AND target = 'loop-check'`,
  claimAttempt: `
    -- hot: per inbound message and target
    INSERT INTO cht_inbound_forwards AS f (message_id, target, attempts) VALUES ($1, $2, 1)
    ON CONFLICT (message_id, target) DO UPDATE SET attempts = f.attempts + 1,
      maybe_delivered = f.maybe_delivered OR coalesce(f.outcome NOT IN ('retry-refused', 'refused'), true),
      updated_at = now()
      WHERE f.done_at IS NULL
    RETURNING attempts, maybe_delivered`,
  settle: `
    -- hot: per inbound message and target
    UPDATE cht_inbound_forwards SET outcome = $3, last_error = $4, done_at = CASE WHEN $5 THEN now() END,
      updated_at = now() WHERE message_id = $1 AND target = $2`,
  deleteDone: `
    DELETE FROM cht_inbound_forwards WHERE done_at < now() - make_interval(days => $1)`,
} as const;

/**
 * The progress of relaying each inbound message to each of its targets (cht_inbound_forwards), and
 * its loop check (target `loop-check`), so a re-delivered event goes only where it has not arrived.
 */
@Injectable()
export class ChtInboundForwardsRepository {
  constructor(private readonly db: DataSource) {}

  /** True for the first claim of the message's loop check, false when it was claimed before. */
  async claimLoopCheck(messageId: string): Promise<boolean> {
    const claimed = await this.db.query<unknown[]>(chtInboundForwardQueries.claimLoopCheck, [messageId]);
    return claimed.length > 0;
  }

  async settleLoopCheck(messageId: string, outcome: 'loop' | 'ok'): Promise<void> {
    await this.db.query(chtInboundForwardQueries.settleLoopCheck, [messageId, outcome]);
  }

  async findLoopCheckOutcome(messageId: string): Promise<string | null | undefined> {
    const rows = await this.db.query<{ outcome: string | null }[]>(
      chtInboundForwardQueries.findLoopCheckOutcome,
      [messageId],
    );
    return rows[0]?.outcome;
  }

  /**
   * Counts one more attempt at a target. Undefined when the message arrived there already; else
   * whether an earlier attempt may have arrived (its outcome is missing, or neither refusal).
   */
  async claimAttempt(messageId: string, target: string): Promise<{ maybeDelivered: boolean } | undefined> {
    const rows = await this.db.query<{ maybe_delivered: boolean; attempts: number }[]>(
      chtInboundForwardQueries.claimAttempt,
      [messageId, target],
    );
    return rows[0] ? { maybeDelivered: rows[0].maybe_delivered } : undefined;
  }

  /** Records an attempt's outcome; a `done` one ends the attempts at that target. */
  async settle(
    messageId: string,
    target: string,
    outcome: { result: string; error: string | null; done: boolean },
  ): Promise<void> {
    await this.db.query(chtInboundForwardQueries.settle, [
      messageId,
      target,
      outcome.result,
      outcome.error,
      outcome.done,
    ]);
  }

  async deleteDone(olderThanDays: number): Promise<void> {
    await this.db.query(chtInboundForwardQueries.deleteDone, [olderThanDays]);
  }
}
