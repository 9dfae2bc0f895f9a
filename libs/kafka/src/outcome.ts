/**
 * What a use-case decided about one consumed event. The consumer turns it into Kafka actions:
 * done / skipped → commit; retry → the group's retry topic (then DLQ when attempts run out);
 * dead-letter → `sms.deadletter.v1` with the reason. Nothing is dropped silently.
 */
export type Outcome =
  | { kind: 'done' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'dead-letter'; reason: string };

export const Outcomes = {
  done: (): Outcome => ({ kind: 'done' }),
  skipped: (reason: string): Outcome => ({ kind: 'skipped', reason }),
  retry: (reason: string): Outcome => ({ kind: 'retry', reason }),
  deadLetter: (reason: string): Outcome => ({ kind: 'dead-letter', reason }),
};
