import { MessageStatus } from '@smsgate/contracts';

/**
 * States a message ends in. A later final report is kept in history, never applied — except after
 * `unknown` (see `decide`).
 */
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'delivered',
  'failed',
  'expired',
  'rejected',
  'no_route',
  'received',
  'unknown',
]);

/** Handed to the provider, waiting for its final report: what a receipt timeout may close. */
const AWAITING_RECEIPT: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['wired', 'sent']);

/** Final states that mean the message (or one of its parts) did not arrive. */
const FAILURES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'failed',
  'expired',
  'rejected',
  'no_route',
]);

/**
 * Progress within one dispatch attempt. `errored` ends an attempt that will be retried, so it ranks
 * with `sent`; the next attempt starts over at `queued` and is newer than anything of the last one.
 */
const RANK: Record<MessageStatus, number> = {
  accepted: 0,
  queued: 1,
  wired: 2,
  sent: 3,
  errored: 3,
  delivered: 4,
  failed: 4,
  expired: 4,
  rejected: 4,
  no_route: 4,
  received: 4,
  unknown: 4,
};

export const isFinal = (status: MessageStatus): boolean => FINAL_STATUSES.has(status);
export const isFailure = (status: MessageStatus): boolean => FAILURES.has(status);

export interface TrackedState {
  status: MessageStatus;
  /** The newest dispatch attempt seen (0 before dispatch). */
  attempt: number;
}

export interface IncomingStatus {
  status: MessageStatus;
  /** The attempt that produced it; unknown (receipts) means "the current one". */
  attempt?: number;
  /** Our own conclusion (a sweeper's: expiry, receipt timeout), not a report of what happened. */
  verdict?: boolean;
}

export type Decision =
  | { apply: true; next: TrackedState }
  | { apply: false; reason: 'already final' | 'not newer' | 'not awaiting a receipt' };

/**
 * Whether a reported status moves a message (or a part) forward. Transitions only go forward: nothing
 * leaves a final state; otherwise a status applies when it is final, belongs to a newer dispatch
 * attempt, or ranks higher within the same attempt. A late `sent` never overwrites `delivered`.
 *
 * `unknown` is the one final state that only says what we do not know: the receipt timeout closed a
 * message that was handed to the provider and never heard of again. A provider's final report that
 * comes after it (late, repeated, or out of order: the first one wins, as for every final state)
 * still tells what happened, so it replaces `unknown`; a non-final report or another verdict does
 * not. `unknown` itself applies only to a message still waiting for the provider in the attempt
 * that the sweeper saw: not to one being retried, nor to one sent again since.
 */
export function decide(current: TrackedState, incoming: IncomingStatus): Decision {
  if (current.status === 'unknown') {
    const report =
      isFinal(incoming.status) &&
      incoming.status !== 'unknown' &&
      incoming.status !== 'received' &&
      !incoming.verdict;
    return report
      ? {
          apply: true,
          next: { status: incoming.status, attempt: Math.max(incoming.attempt ?? 0, current.attempt) },
        }
      : { apply: false, reason: 'already final' };
  }
  if (isFinal(current.status)) return { apply: false, reason: 'already final' };
  const attempt = incoming.attempt ?? current.attempt;
  if (incoming.status === 'unknown')
    return AWAITING_RECEIPT.has(current.status) && attempt === current.attempt
      ? { apply: true, next: { status: 'unknown', attempt } }
      : { apply: false, reason: 'not awaiting a receipt' };
  if (isFinal(incoming.status))
    return { apply: true, next: { status: incoming.status, attempt: Math.max(attempt, current.attempt) } };
  if (incoming.status === 'accepted') return { apply: false, reason: 'not newer' };
  const newer =
    attempt > current.attempt ||
    (attempt === current.attempt && RANK[incoming.status] > RANK[current.status]);
  return newer
    ? { apply: true, next: { status: incoming.status, attempt } }
    : { apply: false, reason: 'not newer' };
}

/**
 * A multi-part message's state from its parts' states: failed (or rejected/expired) as soon as any
 * part is, delivered once every one of `count` parts is delivered, else undefined (the parts' progress
 * reports set the message's non-final state themselves).
 */
export function aggregateParts(parts: readonly MessageStatus[], count: number): MessageStatus | undefined {
  const failure = parts.find(isFailure);
  if (failure) return failure;
  const delivered = parts.filter((status) => status === 'delivered').length;
  return delivered >= count ? 'delivered' : undefined;
}
