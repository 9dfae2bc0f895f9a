import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A replica's report as read back: `channels` is the JSON it wrote (ChannelBindsView in libs/contracts). */
export interface SmscBindReport {
  replica: string;
  partitions: number[];
  channels: unknown[];
  updatedAt: Date;
}

export const smscBindReportQueries = {
  report: `
    INSERT INTO smsc_bind_reports (replica, partitions, channels, updated_at)
    VALUES ($1, $2::int[], $3::jsonb, now())
    ON CONFLICT (replica) DO UPDATE SET partitions = $2::int[], channels = $3::jsonb, updated_at = now()`,
  pruneGone: `
    DELETE FROM smsc_bind_reports WHERE updated_at < now() - interval '1 hour'`,
  remove: `
    DELETE FROM smsc_bind_reports WHERE replica = $1`,
  current: `
    SELECT replica, partitions, channels, updated_at FROM smsc_bind_reports
    WHERE updated_at >= now() - make_interval(secs => $1::double precision / 1000)
    ORDER BY replica`,
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
    await this.db.query(smscBindReportQueries.pruneGone);
  }

  async remove(replica: string): Promise<void> {
    await this.db.query(smscBindReportQueries.remove, [replica]);
  }

  /** The reports written within `maxAgeMs`, by replica. */
  async current(maxAgeMs: number): Promise<SmscBindReport[]> {
    const rows = await this.db.query<
      { replica: string; partitions: number[]; channels: unknown[]; updated_at: Date }[]
    >(smscBindReportQueries.current, [maxAgeMs]);
    return rows.map((row) => ({
      replica: row.replica,
      partitions: row.partitions,
      channels: row.channels,
      updatedAt: row.updated_at,
    }));
  }
}
