import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A channel in a replica's report, as that replica wrote it (a ChannelBindsView of libs/contracts when it
 * runs this version; read it with that schema) and tagged with the replica that holds its connections.
 */
export type ReportedChannel = { replica: string } & Record<string, unknown>;

/** A replica's report as read back. */
export interface SmscBindReport {
  replica: string;
  /** Its partitions of sms.outbound.smpp.v1, ascending. */
  partitions: number[];
  /** Each channel it holds, in the order it reported them, tagged with `replica`. */
  channels: ReportedChannel[];
  updatedAt: Date;
}

export const smscBindReportQueries = {
  // One round trip: this replica's row, and the rows of replicas silent for an hour gone.
  report: `
    WITH gone AS (
      DELETE FROM smsc_bind_reports WHERE updated_at < now() - interval '1 hour' AND replica <> $1)
    INSERT INTO smsc_bind_reports (replica, partitions, channels, updated_at)
    VALUES ($1, $2::int[], $3::jsonb, now())
    ON CONFLICT (replica) DO UPDATE SET partitions = $2::int[], channels = $3::jsonb, updated_at = now()`,
  remove: `
    DELETE FROM smsc_bind_reports WHERE replica = $1`,
  current: `
    -- each live replica with its channels tagged by replica; with $2, only the channels of that workspace
    SELECT r.replica, r.partitions, r.updated_at,
           COALESCE(jsonb_agg(entry.value || jsonb_build_object('replica', r.replica) ORDER BY entry.position)
                      FILTER (WHERE entry.value IS NOT NULL), '[]'::jsonb) AS channels
      FROM smsc_bind_reports r
      LEFT JOIN LATERAL jsonb_array_elements(r.channels) WITH ORDINALITY AS entry(value, position)
        ON jsonb_typeof(entry.value) = 'object'
       AND ($2::uuid IS NULL OR EXISTS (
             SELECT 1 FROM channels c
              WHERE c.workspace_id = $2::uuid AND c.id::text = entry.value->>'channel'))
     WHERE r.updated_at >= now() - make_interval(secs => $1::double precision / 1000)
     GROUP BY r.replica
     ORDER BY r.replica`,
} as const;

/**
 * What each smpp-binds replica holds (smsc_bind_reports): every replica reports its partitions and its
 * channels' connections every few seconds, so one reader (the console) sees all of them.
 */
@Injectable()
export class SmscBindReportsRepository {
  constructor(private readonly db: DataSource) {}

  /** Replaces this replica's report, and deletes those of replicas silent for an hour. */
  async report(replica: string, partitions: number[], channels: unknown[]): Promise<void> {
    await this.db.query(smscBindReportQueries.report, [replica, partitions, JSON.stringify(channels)]);
  }

  async remove(replica: string): Promise<void> {
    await this.db.query(smscBindReportQueries.remove, [replica]);
  }

  /**
   * The reports written within `maxAgeMs`, by replica, each channel tagged with its replica: every live
   * replica's channels are `reports.flatMap((report) => report.channels)`. With `workspace` (a workspace
   * id), a report keeps only the channels the channels table gives that workspace (its partitions stay).
   */
  async current(maxAgeMs: number, filter: { workspace?: string } = {}): Promise<SmscBindReport[]> {
    const rows = await this.db.query<
      { replica: string; partitions: number[]; channels: ReportedChannel[]; updated_at: Date }[]
    >(smscBindReportQueries.current, [maxAgeMs, filter.workspace ?? null]);
    return rows.map((row) => ({
      replica: row.replica,
      partitions: row.partitions,
      channels: row.channels,
      updatedAt: row.updated_at,
    }));
  }
}
