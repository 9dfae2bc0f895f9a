/**
 * What a use-case decided about one consumed event. The consumer turns it into Kafka actions:
 * done / skipped → commit; retry → the group's retry topic (then DLQ when attempts run out, unless
 * `untilFixed`); dead-letter → `sms.deadletter.v1` with the reason. Nothing is dropped silently.
 */
export type Outcome =
  | { kind: 'done' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'retry'; reason: string; untilFixed?: true }
  | { kind: 'dead-letter'; reason: string };

export const Outcomes = {
  done: (): Outcome => ({ kind: 'done' }),
  skipped: (reason: string): Outcome => ({ kind: 'skipped', reason }),
  retry: (reason: string): Outcome => ({ kind: 'retry', reason }),
  /**
   * A fault of the target's set-up that only its owner can fix (CHT serving no webhook at the path):
   * once attempts run out it is retried at the last delay for as long as it lasts, never dead-lettered.
   */
  retryUntilFixed: (reason: string): Outcome => ({ kind: 'retry', reason, untilFixed: true }),
  deadLetter: (reason: string): Outcome => ({ kind: 'dead-letter', reason }),
};
