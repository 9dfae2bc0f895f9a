import { MessageStatus } from '@smsgate/contracts';

/** States nothing moves out of. A later final report is kept in history, never applied. */
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'delivered',
  'failed',
  'expired',
  'rejected',
  'no_route',
  'received',
]);

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
}

export type Decision =
  | { apply: true; next: TrackedState }
  | { apply: false; reason: 'already final' | 'not newer' };

/**
 * Whether a reported status moves a message (or a part) forward. Transitions only go forward: nothing
 * leaves a final state; otherwise a status applies when it is final, belongs to a newer dispatch
 * attempt, or ranks higher within the same attempt. A late `sent` never overwrites `delivered`.
 */
export function decide(current: TrackedState, incoming: IncomingStatus): Decision {
  if (isFinal(current.status)) return { apply: false, reason: 'already final' };
  const attempt = incoming.attempt ?? current.attempt;
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
