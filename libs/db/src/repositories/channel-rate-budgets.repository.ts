import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What a lease got: `granted` parts to send now, and how long until asking again can get more. */
export interface RateLease {
  granted: number;
  /** Until the next window starts or, when the channel is paused, until the pause ends. */
  waitMs: number;
}

// $1 channel, $2 window length (ms), $3 tps, $4 parts wanted. Every expression that reads the row reads
// `b`, so a lease that waited for another's row lock sees what that one leased. The window is counted on
// the database's clock, one clock for every replica; a window's share of the rate is the difference of
// two floors, so windows of a fractional share (3 tps in 100 ms windows) add up to exactly `tps` a second.
const leaseGrant = `CASE WHEN b.window_no > c.win OR b.paused_until > c.at THEN 0 ELSE GREATEST(0, LEAST($4::int,
      floor((c.win + 1) * $2::int * $3::float8 / 1000) - floor(c.win * $2::int * $3::float8 / 1000)
      - CASE WHEN b.window_no = c.win THEN b.leased ELSE 0 END))::int END`;

export const channelRateBudgetQueries = {
  ensure: `
    INSERT INTO channel_rate_budgets (channel_id) VALUES ($1) ON CONFLICT (channel_id) DO NOTHING`,
  lease: `
    -- hot: once per lease of a rate-limited channel (the parts of many messages), never per message
    UPDATE channel_rate_budgets AS b SET
      window_no = GREATEST(b.window_no, c.win),
      leased = CASE WHEN b.window_no > c.win THEN b.leased
        ELSE CASE WHEN b.window_no = c.win THEN b.leased ELSE 0 END + ${leaseGrant} END,
      last_lease = ${leaseGrant}
    FROM (SELECT t.at, t.ms, t.ms / $2::int AS win
          FROM (SELECT now() AS at, floor(extract(epoch FROM now()) * 1000)::bigint AS ms) t) c
    WHERE b.channel_id = $1
    RETURNING b.last_lease AS granted,
      CASE WHEN b.paused_until > c.at THEN ceil(extract(epoch FROM b.paused_until - c.at) * 1000)::bigint
        ELSE (c.win + 1) * $2::int - c.ms END AS wait_ms`,
  pause: `
    INSERT INTO channel_rate_budgets AS b (channel_id, paused_until)
    VALUES ($1, now() + $2::int * interval '1 millisecond')
    ON CONFLICT (channel_id) DO UPDATE SET paused_until = GREATEST(b.paused_until, EXCLUDED.paused_until)`,
} as const;

/**
 * The rate budget of HTTP channels, shared by every dispatcher replica (channel_rate_budgets): parts are
 * leased from the current window of `windowMs`, so the replicas together send at most the channel's
 * `tps`; and a `Retry-After` pauses the channel for all of them.
 */
@Injectable()
export class ChannelRateBudgetsRepository {
  constructor(private readonly db: DataSource) {}

  /** Up to `want` parts of `channel`'s current window (0 while it is paused or the window is spent). */
  async lease(channel: string, windowMs: number, tps: number, want: number): Promise<RateLease> {
    for (let tries = 0; ; tries++) {
      // An UPDATE comes back from TypeORM as [rows, count].
      const [[row]] = await this.db.query<[{ granted: number; wait_ms: string }[], number]>(
        channelRateBudgetQueries.lease,
        [channel, windowMs, tps, want],
      );
      if (row) return { granted: row.granted, waitMs: Math.max(0, Number(row.wait_ms)) };
      if (tries > 0) return { granted: 0, waitMs: windowMs };
      await this.db.query(channelRateBudgetQueries.ensure, [channel]);
    }
  }

  /** No replica leases parts of `channel` for `ms` from now (a longer pause already set stays). */
  async pause(channel: string, ms: number): Promise<void> {
    await this.db.query(channelRateBudgetQueries.pause, [channel, Math.round(ms)]);
  }
}
