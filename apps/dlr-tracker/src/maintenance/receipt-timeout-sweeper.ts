import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_RECEIPT_TIMEOUT_SECONDS } from '@smsgate/channel-config';
import { PayloadInput, stableId, Topics } from '@smsgate/contracts';
import { MessageSweepsRepository, OverdueMessage } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';
import { RECEIPT_TIMEOUT_SOURCE } from '../domain/sources';
import { StatusSweeper, SweptStatus } from './status-sweeper';

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
export class ReceiptTimeoutSweeper extends StatusSweeper<OverdueMessage> {
  constructor(
    private readonly messages: MessageSweepsRepository,
    publisher: EventPublisher,
    @Inject(DLR_TRACKER_CONFIG) config: Pick<DlrTrackerConfig, 'RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS'>,
  ) {
    super('receipt timeout sweeper', config.RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS, publisher);
  }

  protected findDue(limit: number, skip: string[]): Promise<OverdueMessage[]> {
    return this.messages.findOverdueReceipts(limit, DEFAULT_RECEIPT_TIMEOUT_SECONDS, skip);
  }

  protected statusOf(message: OverdueMessage): SweptStatus {
    // Counted in smsgate_messages_total{status="unknown"} by the channel's type.
    return { payload: timeoutEvent(message), key: message.id, channelType: message.channelType };
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
