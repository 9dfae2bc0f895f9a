import { MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import { EventDetail } from '@smsgate/db';

/** One reported status, from a dispatch result, a provider receipt, the sweeper or a parked event. */
export interface StatusCommand {
  eventId: string;
  workspace: string;
  /** The channel that reported it; checked against the workspace. Absent for the sweeper. */
  channel?: string;
  /** Known for dispatch results; receipts are correlated by (channel, providerMessageId). */
  messageId?: string;
  providerMessageId?: string;
  status: MessageStatus;
  part?: { index: number; count: number };
  attempt?: number;
  detail?: EventDetail;
  at: string;
  source: string;
  /** Where the event came from, kept when it has to be parked. */
  origin?: { topic: string; partition: number; offset: string; payload: unknown };
}

export type CommandResult =
  | { kind: 'applied' }
  | { kind: 'kept'; reason: string }
  | { kind: 'duplicate' }
  | { kind: 'parked'; reason: string }
  | { kind: 'rejected'; reason: string };

export interface LedgerOutput {
  results: CommandResult[];
  /** Status changes to publish once the transaction committed (also those of replayed events). */
  changes: MessageStatusChangedV1[];
  /** What to look at again once the transaction committed: see `StatusLedger.settleRaces`. */
  followUp: FollowUp;
}

/** A provider's id for a message part, on the channel that reported it. */
export interface ReceiptKey {
  channel: string;
  providerId: string;
}

/**
 * Correlation keys a transaction parked events on or learned. A concurrent transaction may have done
 * the other half (parked the receipt whose provider id this one learned, or the reverse) without
 * either seeing the other's uncommitted rows; checking again after commit, on both sides, closes the
 * gap: whichever commits second sees the other's row.
 */
export interface FollowUp {
  receiptKeys: ReceiptKey[];
  messageIds: string[];
}

export const byTime = (a: StatusCommand, b: StatusCommand) => a.at.localeCompare(b.at);
