import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AttemptKey {
  messageId: string;
  attempt: number;
}

export interface AttemptBegin extends AttemptKey {
  channelId: string;
}

export interface AttemptFinish<Result> extends AttemptKey {
  result: Result;
}

/**
 * A row of `begin`: the attempt begun or found (`inserted` when this statement made it), or, with
 * `earlier`, an earlier attempt of the message that the provider accepted (nothing was begun for it).
 */
export interface AttemptBeginRow<Result> {
  message_id: string;
  attempt: number;
  state: string;
  result: Result | null;
  inserted: boolean;
  earlier: boolean;
  /** Requests of a split text an earlier attempt on the same channel got through. */
  parts: number | null;
}

export const dispatchAttemptQueries = {
  begin: `
    -- hot: every send, per batch, before the provider is called
    WITH u AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS u(m, n, c)),
    earlier AS (
      SELECT DISTINCT ON (a.message_id) a.message_id, a.attempt, a.result
      FROM dispatch_attempts a JOIN u ON a.message_id = u.m AND a.attempt < u.n
      WHERE a.state = 'done' AND a.result->>'kind' = 'accepted'
      ORDER BY a.message_id, a.attempt),
    resumed AS (
      SELECT a.message_id, max((a.result->'detail'->>'partsAccepted')::int) AS parts
      FROM dispatch_attempts a JOIN u ON a.message_id = u.m AND a.attempt < u.n AND a.channel_id = u.c
      WHERE a.state = 'done' AND a.result->'detail' ? 'partsAccepted'
      GROUP BY a.message_id),
    begun AS (
      INSERT INTO dispatch_attempts AS a (message_id, attempt, channel_id, state, started_at)
      SELECT m, n, c, 'sending', now() FROM u WHERE NOT EXISTS (SELECT FROM earlier e WHERE e.message_id = u.m)
      ON CONFLICT (message_id, attempt) DO UPDATE SET started_at = a.started_at
      RETURNING a.message_id, a.attempt, a.state, a.result, (xmax = 0) AS inserted)
    SELECT b.message_id, b.attempt, b.state, b.result, b.inserted, false AS earlier, r.parts
    FROM begun b LEFT JOIN resumed r USING (message_id)
    UNION ALL SELECT message_id, attempt, 'done', result, false, true, NULL FROM earlier`,
  finish: `
    -- hot: every send, per batch, after the provider answered
    UPDATE dispatch_attempts AS a SET state = 'done', result = u.r, finished_at = now()
    FROM unnest($1::uuid[], $2::int[], $3::jsonb[]) AS u(m, n, r)
    WHERE a.message_id = u.m AND a.attempt = u.n`,
} as const;

/** Send attempts: begun before the provider is called, finished with its answer. */
@Injectable()
export class DispatchAttemptsRepository {
  constructor(private readonly db: DataSource) {}

  /** One statement for the batch; its (message, attempt) keys must be distinct. */
  async begin<Result>(attempts: AttemptBegin[]): Promise<AttemptBeginRow<Result>[]> {
    return this.db.query<AttemptBeginRow<Result>[]>(dispatchAttemptQueries.begin, [
      attempts.map((i) => i.messageId),
      attempts.map((i) => i.attempt),
      attempts.map((i) => i.channelId),
    ]);
  }

  /** One statement for the batch. */
  async finish<Result>(attempts: AttemptFinish<Result>[]): Promise<void> {
    await this.db.query(dispatchAttemptQueries.finish, [
      attempts.map((i) => i.messageId),
      attempts.map((i) => i.attempt),
      attempts.map((i) => JSON.stringify(i.result)),
    ]);
  }
}
