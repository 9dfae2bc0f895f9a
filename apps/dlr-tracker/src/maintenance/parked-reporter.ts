import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalTask } from '@smsgate/runtime';
import { Topics, uuidv7 } from '@smsgate/contracts';
import { EventPublisher } from '@smsgate/kafka';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { StatusCommand, StatusLedger } from '../tracking/status-ledger';
import { publishChanges } from '../tracking/publish-changes';

const BATCH = 500;

const parkedGauge = new Gauge({
  name: 'smsgate_parked_events',
  help: 'Status events and receipts waiting for their message or provider id',
  labelNames: ['kind'],
});

/**
 * Looks after parked events. Those whose message or provider id exists by now are applied: normally
 * the transaction that brought the missing half, or the one that parked them, does that right after it
 * committed; this catches a process that died in between. Those older than the horizon are reported to
 * the dead-letter topic, once each, with the reason; they stay parked, and are applied should their
 * message or provider id still arrive.
 */
@Injectable()
export class ParkedReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: IntervalTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly ledger: StatusLedger,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    this.task = new IntervalTask('parked reporter', config.PARKED_REPORT_INTERVAL_MS, async () => {
      const released = await this.releaseOrphans();
      return (await this.report()) || released;
    });
  }

  /** Applies parked events whose other half exists; true when there may be more. */
  async releaseOrphans(): Promise<boolean> {
    const rows = await this.dataSource.query<
      { kind: string; channel_id: string; provider_message_id: string | null; message_id: string | null }[]
    >(
      `SELECT p.kind, p.channel_id, p.provider_message_id, p.message_id FROM parked_events p
       WHERE p.parked_at < now() - interval '1 second'
         AND CASE p.kind
               WHEN 'receipt' THEN EXISTS (SELECT 1 FROM message_parts mp
                 WHERE mp.channel_id = p.channel_id AND mp.provider_message_id = p.provider_message_id)
               ELSE EXISTS (SELECT 1 FROM messages m WHERE m.id = p.message_id)
             END
       LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return false;
    const changes = await this.ledger.settleRaces(this.dataSource, {
      receiptKeys: rows.flatMap((row) =>
        row.kind === 'receipt' && row.provider_message_id
          ? [{ channel: row.channel_id, providerId: row.provider_message_id }]
          : [],
      ),
      messageIds: rows.flatMap((row) => (row.kind === 'status' && row.message_id ? [row.message_id] : [])),
    });
    await publishChanges(this.publisher, changes);
    return rows.length === BATCH;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async report(): Promise<boolean> {
    const more = await this.dataSource.transaction(async (db) => {
      const stale = await db.query<
        {
          event_id: string;
          kind: string;
          payload: StatusCommand;
          source_topic: string;
          source_partition: number;
          source_offset: string;
          channel_id: string;
          reason: string;
          parked_at: Date;
        }[]
      >(
        `SELECT event_id, kind, payload, source_topic, source_partition, source_offset, channel_id, reason, parked_at
         FROM parked_events
         WHERE reported_at IS NULL AND parked_at < now() - make_interval(secs => $1)
         ORDER BY parked_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [this.config.PARKED_HORIZON_SECONDS],
      );
      if (stale.length === 0) return false;
      await Promise.all(
        stale.map((row) =>
          this.publisher.publish(
            Topics.deadLetter,
            {
              id: uuidv7(),
              group: this.config.KAFKA_GROUP_ID,
              sourceTopic: row.source_topic,
              partition: row.source_partition,
              offset: row.source_offset,
              key: row.channel_id,
              value: JSON.stringify(row.payload.origin?.payload ?? row.payload),
              valueEncoding: 'utf8',
              headers: { 'x-parked-event-id': row.event_id },
              reason: `parked since ${row.parked_at.toISOString()}: ${row.reason}`.slice(0, 2_000),
              attempts: 1,
              failedAt: new Date().toISOString(),
            },
            { key: row.source_topic },
          ),
        ),
      );
      await db.query(`UPDATE parked_events SET reported_at = now() WHERE event_id = ANY($1::uuid[])`, [
        stale.map((row) => row.event_id),
      ]);
      return stale.length === BATCH;
    });
    const counts = await this.dataSource.query<{ kind: string; n: string }[]>(
      `SELECT kind, count(*) AS n FROM parked_events GROUP BY kind`,
    );
    parkedGauge.reset();
    for (const row of counts) parkedGauge.set({ kind: row.kind }, Number(row.n));
    return more;
  }
}
