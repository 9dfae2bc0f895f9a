import { Inject, Injectable } from '@nestjs/common';
import { IntervalWorker } from '@smsgate/runtime';
import { Topics, uuidv7 } from '@smsgate/contracts';
import { ParkedEventsRepository } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { StatusCommand } from '../tracking/status-command';
import { StatusLedger } from '../tracking/status-ledger';
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
export class ParkedReporter extends IntervalWorker {
  constructor(
    private readonly dataSource: DataSource,
    private readonly parked: ParkedEventsRepository,
    private readonly publisher: EventPublisher,
    private readonly ledger: StatusLedger,
    @Inject(DLR_TRACKER_CONFIG) private readonly config: DlrTrackerConfig,
  ) {
    super('parked reporter', config.PARKED_REPORT_INTERVAL_MS);
  }

  /** One round; true when there may be more to release or to report. */
  async round(): Promise<boolean> {
    const released = await this.releaseOrphans();
    return (await this.report()) || released;
  }

  /** Applies parked events whose other half exists; true when there may be more. */
  async releaseOrphans(): Promise<boolean> {
    const rows = await this.parked.findReleasable(BATCH);
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

  async report(): Promise<boolean> {
    const more = await this.dataSource.transaction(async (db) => {
      const stale = await this.parked.lockStale<StatusCommand>(db, this.config.PARKED_HORIZON_SECONDS, BATCH);
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
      await this.parked.markReported(
        db,
        stale.map((row) => row.event_id),
      );
      return stale.length === BATCH;
    });
    const counts = await this.parked.countByKind();
    parkedGauge.reset();
    for (const row of counts) parkedGauge.set({ kind: row.kind }, row.n);
    return more;
  }
}
