import { PayloadInput, Topics } from '@smsgate/contracts';
import { EventPublisher, PublishOptions } from '@smsgate/kafka';
import { IntervalWorker } from '@smsgate/runtime';
import { RecentlyPublished } from './recently-published';

const BATCH = 500;

export type SweptStatus = { payload: PayloadInput<typeof Topics.outboundStatus> } & PublishOptions;

/**
 * A sweeper that concludes a status for each message its query finds due and publishes them on
 * `sms.outbound.status.v1`, in one produce request, where the status consumer applies them like any
 * other report. Messages it published within the last minute are left out of the next rounds' queries.
 */
export abstract class StatusSweeper<Row extends { id: string }> extends IntervalWorker {
  private readonly published = new RecentlyPublished();

  protected constructor(
    name: string,
    intervalMs: number,
    private readonly publisher: EventPublisher,
  ) {
    super(name, intervalMs);
  }

  /** Up to `limit` messages due, less those in `skip`. */
  protected abstract findDue(limit: number, skip: string[]): Promise<Row[]>;

  /** The status of a due message; its event id is the same every time, so the ledger records it once. */
  protected abstract statusOf(row: Row): SweptStatus;

  /** One round; true when there may be more due. */
  async round(): Promise<boolean> {
    const now = Date.now();
    const due = await this.findDue(BATCH, this.published.current(now));
    if (due.length === 0) return false;
    await this.publisher.publishAll(
      Topics.outboundStatus,
      due.map((row) => this.statusOf(row)),
    );
    this.published.add(
      due.map((row) => row.id),
      now,
    );
    return due.length === BATCH;
  }
}
