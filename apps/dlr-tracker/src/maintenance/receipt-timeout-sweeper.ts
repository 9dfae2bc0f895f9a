import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_RECEIPT_TIMEOUT_SECONDS } from '@smsgate/channel-config';
import { PayloadInput, stableId, Topics } from '@smsgate/contracts';
import { MessageSweepsRepository, OverdueMessage } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { IntervalWorker } from '@smsgate/runtime';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { RECEIPT_TIMEOUT_SOURCE } from '../domain/sources';
import { RecentlyPublished } from './recently-published';

const BATCH = 500;

/**
 * Closes messages that were handed to their provider (`wired`, `sent`) and got no final report within
 * their channel's receipt timeout: publishes `unknown` for each on `sms.outbound.status.v1`, where the
 * status consumer applies it like any other report (history, status change, callback), in order with
 * the message's other events. The event id is derived from the message, its attempt and when it got to
 * where it waits: sweeping twice, or on two replicas, records it once. `unknown` rather than `expired`
 * or `failed`: the message may well have arrived (the receipt was lost, not the message), and a sender
 * told `failed` sends it again; a provider's report that comes later still replaces `unknown`.
 */
@Injectable()
export class ReceiptTimeoutSweeper extends IntervalWorker {
  private readonly published = new RecentlyPublished();

  constructor(
    private readonly messages: MessageSweepsRepository,
    private readonly publisher: EventPublisher,
    @Inject(DLR_TRACKER_CONFIG) config: Pick<DlrTrackerConfig, 'RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS'>,
  ) {
    super('receipt timeout sweeper', config.RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS);
  }

  /** One round; true when there may be more to close. */
  async round(): Promise<boolean> {
    const now = Date.now();
    const due = await this.messages.findOverdueReceipts(
      BATCH,
      DEFAULT_RECEIPT_TIMEOUT_SECONDS,
      this.published.current(now),
    );
    if (due.length === 0) return false;
    await this.publisher.publishAll(
      Topics.outboundStatus,
      // Counted in smsgate_messages_total{status="unknown"} by the channel's type.
      due.map((message) => ({
        payload: timeoutEvent(message),
        key: message.id,
        channelType: message.channelType,
      })),
    );
    this.published.add(
      due.map((message) => message.id),
      now,
    );
    return due.length === BATCH;
  }
}

/** The `unknown` status event for an overdue message: the same every time it is built. */
export function timeoutEvent(message: OverdueMessage): PayloadInput<typeof Topics.outboundStatus> {
  const since = message.awaitingSince.getTime();
  return {
    eventId: stableId('dlr-tracker.receipt-timeout', message.id, message.attempt, since),
    id: message.id,
    workspace: message.workspaceId,
    channel: message.channelId,
    status: 'unknown',
    ...(message.attempt >= 1 ? { attempt: message.attempt } : {}),
    detail: {
      reason: `no final report within the channel's receipt timeout after ${message.status}`,
      receiptTimeoutSeconds: message.timeoutSeconds,
      by: RECEIPT_TIMEOUT_SOURCE,
    },
    at: new Date(since + message.timeoutSeconds * 1_000).toISOString(),
  };
}
