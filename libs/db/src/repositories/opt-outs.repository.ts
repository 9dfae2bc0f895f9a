import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface OptOutKey {
  channelId: string;
  address: string;
}

export const optOutQueries = {
  stop: `
    -- hot: a RapidPro stopped callback, per request
    INSERT INTO opt_outs (channel_id, address, stopped_at) VALUES ($1, $2, now())
    ON CONFLICT (channel_id, address) DO UPDATE SET stopped_at = EXCLUDED.stopped_at`,
  findStopped: `
    -- hot: checked before every send, per batch of sends
    SELECT o.channel_id, o.address FROM opt_outs o
    JOIN unnest($1::uuid[], $2::text[]) AS u(c, a) ON o.channel_id = u.c AND o.address = u.a`,
  // A number that writes in again takes back its earlier stop on that channel (not a later one).
  liftOnInbound: `
    -- hot: every batch of inbound messages
    DELETE FROM opt_outs o USING unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(c, a, at)
    WHERE o.channel_id = u.c AND o.address = u.a AND o.stopped_at < u.at`,
  // Newest first. The position (`at`: stopped_at to the microsecond, in UTC) keys the next page. A channel's
  // rows are read by the primary key (channel_id, address) and sorted: a channel holds few stops.
  list: `
    SELECT address, stopped_at,
           to_char(stopped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
    FROM opt_outs
    WHERE channel_id = $1 AND ($2::timestamptz IS NULL OR (stopped_at, address) < ($2::timestamptz, $3::text))
    ORDER BY stopped_at DESC, address DESC LIMIT $4`,
} as const;

/** Where a page of a channel's opt-outs ends: a stop's time to the microsecond (ISO, UTC) and number. */
export interface OptOutPosition {
  at: string;
  address: string;
}

/** A message received from `address` on a channel at `receivedAt`. */
export interface InboundFrom {
  channelId: string;
  from: string;
  receivedAt: string;
}

/** Numbers that stopped a channel (RapidPro `stopped`). */
@Injectable()
export class OptOutsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The channel's stopped numbers, newest first, after `after` (the `at` and `address` of the last row of
   * the previous page). `at` is the stop time to the microsecond, which a Date would round.
   */
  async list(
    channelId: string,
    after: OptOutPosition | undefined,
    limit: number,
  ): Promise<(OptOutPosition & { stoppedAt: Date })[]> {
    const rows = await this.db.query<Array<{ address: string; stopped_at: Date; at: string }>>(
      optOutQueries.list,
      [channelId, after?.at ?? null, after?.address ?? null, limit],
    );
    return rows.map((row) => ({ address: row.address, stoppedAt: row.stopped_at, at: row.at }));
  }

  /** Records (or renews) that `address` stopped the channel. */
  async stop(channelId: string, address: string): Promise<void> {
    await this.db.query(optOutQueries.stop, [channelId, address]);
  }

  /** Which of `keys` stopped their channel; one round trip. */
  async findStopped(keys: OptOutKey[]): Promise<OptOutKey[]> {
    const rows = await this.db.query<Array<{ channel_id: string; address: string }>>(
      optOutQueries.findStopped,
      [keys.map((key) => key.channelId), keys.map((key) => key.address)],
    );
    return rows.map((row) => ({ channelId: row.channel_id, address: row.address }));
  }

  /** Lifts the stops that these inbound messages take back; in the caller's transaction. */
  async liftOnInbound(db: EntityManager, messages: InboundFrom[]): Promise<void> {
    await db.query(optOutQueries.liftOnInbound, [
      messages.map((m) => m.channelId),
      messages.map((m) => m.from),
      messages.map((m) => m.receivedAt),
    ]);
  }
}
