import type { ReceivedCallback } from './callback-sink';
import type { AggregatorRequest } from './fault-aggregator';
import type { ClientMessage } from './load-client';
import type { SmscSubmit } from './smsc-log';

/** Final states of the message ledger (dlr-tracker's FINAL_STATUSES, `received` being inbound only). */
export const FINAL = new Set(['delivered', 'failed', 'expired', 'rejected', 'no_route', 'unknown']);
/** Final states that say the message did not go out. */
const NOT_SENT = new Set(['failed', 'expired', 'rejected', 'no_route']);

/** When the fault began and when it ended (the service restarted, the broker back, …). */
export interface FaultWindow {
  start: number;
  end: number;
  /** Further moments worth printing, e.g. `ready` of a restarted service. */
  marks?: Record<string, number>;
  /** Processes the fault SIGKILLed, and when: what a copy sent right before may be explained by. */
  crashes?: Crash[];
}

export interface Crash {
  who: 'smsc' | 'smpp-binds' | 'dispatcher' | 'ingress' | 'dlr-tracker';
  at: number;
}

/**
 * A copy is "in flight at a crash" when the process that would have recorded the answer to the copy
 * before it (smpp-binds, the dispatcher), or the SMSC that would have answered it, was SIGKILLed between
 * that copy and this long after its answer: the documented at-least-once window (the answer never
 * reached the ledger), whose repeats carry the same message id and part to deduplicate on. A copy after
 * an answer the sender had time to record is a duplicate smsgate promises never to make.
 */
export const CRASH_WINDOW_MS = 1_000;
const KILL_LANDING_MS = 1_000;

export interface TallyInput {
  messages: ClientMessage[];
  /** Every submit the SMSC logged (the tally keeps those to this load's destinations). */
  submits: SmscSubmit[];
  requests: AggregatorRequest[];
  callbacks: ReceivedCallback[];
  statuses: Map<string, string>;
  window: FaultWindow;
  /** How long the fault SMSC waits before answering a submit_sm (FAULT_SMSC_DELAY_MS). */
  smscDelayMs?: number;
}

export interface Tally {
  sent: number;
  accepted: number;
  rejected: number;
  gaveUp: number;
  final: number;
  /** Accepted messages by their status in the ledger. */
  byStatus: Record<string, number>;
  /** Final as failed (or expired, rejected) although the provider has it: the outcome is not honest. */
  failedButSent: { key: string; to: string; ids: string[]; statuses: string[] }[];
  lost: { key: string; to: string; ids: string[]; statuses: string[]; reason: string }[];
  /**
   * Parts the SMSC got more than once, and messages the aggregator took more than once; `atCrash` of
   * the extra copies were in flight at a crash (see CRASH_WINDOW_MS), the others are duplicates.
   */
  duplicateSubmits: {
    key: string;
    to: string;
    ids: string[];
    part: number;
    submits: SmscSubmit[];
    atCrash: number;
  }[];
  duplicateSends: {
    key: string;
    to: string;
    ids: string[];
    requests: AggregatorRequest[];
    atCrash: number;
  }[];
  /** Reached the provider although the client never got an acceptance. */
  unacceptedButSent: { key: string; to: string; outcome: string; attempts: string }[];
  /** Client messages that got more than one message id (a retry made a new message). */
  extraIds: { key: string; ids: string[] }[];
  /** Deliveries of an event id already delivered (at least once, by design). */
  callbackRedeliveries: number;
  /** The same change of a message (status, previous status, detail) under more than one event id. */
  callbackDuplicateEvents: { id: string; status: string; eventIds: string[]; detail: string }[];
  /** A status reported again as a different change (e.g. `errored` once per failed attempt): expected. */
  callbackRepeatedStatuses: number;
  /** Final in the ledger, but no callback of that status came. */
  missingFinalCallbacks: { id: string; status: string }[];
  answers: Record<string, number>;
  /** 503 (nothing accepted, repeat) and 504 `"outcome":"unknown"` (repeat with the key): documented. */
  answers503: number;
  answers504Unknown: number;
  answersOther5xx: { key: string; status: number; body?: string; at: number }[];
  connectionErrors: number;
  /** Seconds from the fault's end until each kind of traffic flowed again (undefined: never). */
  resume: { accept?: number; smsc?: number; aggregator?: number; callbacks?: number };
}

const plain = (to: string) => to.replace(/^\+/, '');

export function tally({
  messages,
  submits,
  requests,
  callbacks,
  statuses,
  window,
  smscDelayMs = 100,
}: TallyInput): Tally {
  const crashes = window.crashes ?? [];
  const crashedBetween = (who: Crash['who'][], from: number, to: number) =>
    crashes.some((crash) => who.includes(crash.who) && crash.at >= from && crash.at <= to);
  /**
   * Whether the answer to a copy sent at `sentAt` (answered at `answeredAt`) was lost with its sender
   * (`who`), SIGKILLed before it could record it. A SIGKILL lands a moment after it is sent, and the
   * provider logs a copy a moment after it left: a copy logged just after the sender's kill was sent
   * by the dying process, before the kill landed, and its answer was lost too.
   */
  const lostWithSender = (who: Crash['who'][], sentAt: number, answeredAt: number) =>
    crashedBetween(who, sentAt - KILL_LANDING_MS, answeredAt + CRASH_WINDOW_MS);
  /** Extra copies that follow a copy whose answer was lost to a crash. */
  const atCrash = <T extends { at: number }>(
    copies: T[],
    answered: (copy: T) => number,
    who: Crash['who'][],
  ) => copies.slice(1).filter((_, i) => lostWithSender(who, copies[i].at, answered(copies[i]))).length;
  const byTo = new Map(messages.map((message) => [plain(message.to), message]));
  const ours = submits.filter((submit) => byTo.has(plain(submit.to)));
  const oursRequests = requests.filter((request) => byTo.has(plain(request.to)));
  const ids = new Set(messages.flatMap((message) => message.ids));
  const oursCallbacks = callbacks.filter((callback) => ids.has(callback.id));

  const submitsOf = group(ours, (submit) => plain(submit.to));
  const takenOf = group(
    oursRequests.filter((request) => request.status === 200),
    (request) => plain(request.to),
  );
  const accepted = messages.filter((message) => message.outcome === 'accepted');

  const reached = (message: ClientMessage): boolean => {
    const to = plain(message.to);
    if (message.channel === 'ex') return (takenOf.get(to)?.length ?? 0) > 0;
    const parts = new Set((submitsOf.get(to) ?? []).map((submit) => submit.part?.seq ?? 1));
    return Array.from({ length: message.parts }, (_, i) => i + 1).every((seq) => parts.has(seq));
  };

  const lost: Tally['lost'] = [];
  const byStatus: Record<string, number> = {};
  const failedButSent: Tally['failedButSent'] = [];
  let final = 0;
  for (const message of accepted) {
    const states = message.ids.map((id) => statuses.get(id) ?? 'unknown');
    for (const status of states) byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (states.some((status) => NOT_SENT.has(status)) && reached(message))
      failedButSent.push({ key: message.key, to: message.to, ids: message.ids, statuses: states });
    const isFinal = states.every((status) => FINAL.has(status));
    if (isFinal) final += 1;
    const base = { key: message.key, to: message.to, ids: message.ids, statuses: states };
    if (!isFinal) lost.push({ ...base, reason: 'never final' });
    else if (!reached(message))
      lost.push({ ...base, reason: `final (${states.join(',')}) without the provider having it` });
  }

  const duplicateSubmits: Tally['duplicateSubmits'] = [];
  for (const [to, list] of submitsOf) {
    for (const [part, copies] of group(list, (submit) => String(submit.part?.seq ?? 1))) {
      if (copies.length < 2) continue;
      const message = byTo.get(to)!;
      duplicateSubmits.push({
        key: message.key,
        to: message.to,
        ids: message.ids,
        part: Number(part),
        submits: copies,
        atCrash:
          // The SMSC killed before it answered, or smpp-binds killed before it recorded the answer.
          copies.slice(1).filter(
            (_, i) =>
              // (A SIGKILL lands a moment after it is sent: a submit logged just after it went unanswered too.)
              crashedBetween(['smsc'], copies[i].at - KILL_LANDING_MS, copies[i].at + smscDelayMs) ||
              lostWithSender(['smpp-binds'], copies[i].at, copies[i].at + smscDelayMs),
          ).length,
      });
    }
  }
  const duplicateSends: Tally['duplicateSends'] = [];
  for (const [to, list] of takenOf) {
    if (list.length < 2) continue;
    const message = byTo.get(to)!;
    const sorted = [...list].sort((a, b) => a.at - b.at);
    duplicateSends.push({
      key: message.key,
      to: message.to,
      ids: message.ids,
      requests: sorted,
      atCrash: atCrash(sorted, (request) => request.at, ['dispatcher']),
    });
  }
  const unacceptedButSent = messages
    .filter((message) => message.outcome !== 'accepted')
    .filter(
      (message) =>
        (submitsOf.get(plain(message.to))?.length ?? 0) + (takenOf.get(plain(message.to))?.length ?? 0) > 0,
    )
    .map((message) => ({
      key: message.key,
      to: message.to,
      outcome: message.outcome,
      attempts: message.attempts.map((attempt) => String(attempt.status)).join(','),
    }));

  let callbackRedeliveries = 0;
  for (const copies of group(oursCallbacks, (callback) => callback.eventId).values())
    callbackRedeliveries += copies.length - 1;
  const callbackDuplicateEvents: Tally['callbackDuplicateEvents'] = [];
  const change = (c: ReceivedCallback) => `${c.id} ${c.status} ${c.previousStatus} ${c.detail}`;
  for (const copies of group(oursCallbacks, change).values()) {
    const eventIds = [...new Set(copies.map((callback) => callback.eventId))];
    if (eventIds.length > 1)
      callbackDuplicateEvents.push({
        id: copies[0].id,
        status: `${copies[0].previousStatus} → ${copies[0].status}`,
        eventIds,
        detail: copies[0].detail,
      });
  }
  let callbackRepeatedStatuses = 0;
  for (const copies of group(oursCallbacks, (c) => `${c.id} ${c.status}`).values())
    callbackRepeatedStatuses += new Set(copies.map(change)).size - 1;
  const finalCallbacks = new Set(oursCallbacks.map((callback) => `${callback.id} ${callback.status}`));
  const missingFinalCallbacks = [...ids]
    .map((id) => ({ id, status: statuses.get(id) ?? 'unknown' }))
    .filter(({ id, status }) => FINAL.has(status) && !finalCallbacks.has(`${id} ${status}`));

  const answers: Record<string, number> = {};
  const answersOther5xx: Tally['answersOther5xx'] = [];
  let connectionErrors = 0;
  let answers504Unknown = 0;
  for (const message of messages)
    for (const attempt of message.attempts) {
      answers[attempt.status] = (answers[attempt.status] ?? 0) + 1;
      if (typeof attempt.status !== 'number') connectionErrors += 1;
      else if (attempt.status === 504 && attempt.body?.includes('"outcome":"unknown"'))
        answers504Unknown += 1;
      else if (attempt.status >= 500 && attempt.status !== 503)
        answersOther5xx.push({
          key: message.key,
          status: attempt.status,
          body: attempt.body?.slice(0, 300),
          at: attempt.at,
        });
    }

  return {
    sent: messages.length,
    accepted: accepted.length,
    rejected: messages.filter((message) => message.outcome === 'rejected').length,
    gaveUp: messages.filter((message) => message.outcome === 'gave-up').length,
    final,
    byStatus,
    failedButSent,
    lost,
    duplicateSubmits,
    duplicateSends,
    unacceptedButSent,
    extraIds: messages
      .filter((message) => message.ids.length > 1)
      .map(({ key, ids: list }) => ({ key, ids: list })),
    callbackRedeliveries,
    callbackDuplicateEvents,
    callbackRepeatedStatuses,
    missingFinalCallbacks,
    answers,
    answers503: answers[503] ?? 0,
    answers504Unknown,
    answersOther5xx,
    connectionErrors,
    resume: resumeOf(messages, ours, oursRequests, oursCallbacks, window),
  };
}

/**
 * Seconds after the fault's end until traffic flowed again: the first 202 answered after the end; the
 * first submit (SMSC), first taken send (aggregator) and first callback of a message accepted after the
 * fault began (0 when one came before the end: that path never stopped).
 */
function resumeOf(
  messages: ClientMessage[],
  submits: SmscSubmit[],
  requests: AggregatorRequest[],
  callbacks: ReceivedCallback[],
  window: FaultWindow,
): Tally['resume'] {
  const since = (at: number | undefined) =>
    at === undefined ? undefined : Math.max(0, at - window.end) / 1_000;
  const first = (times: number[]) => (times.length ? Math.min(...times) : undefined);
  // Sent after the fault began (the accepting request's start: its answer may come after a consumer
  // already took the message from Kafka).
  const late = messages.filter((m) => {
    const accepting = m.attempts.find((a) => a.status === 202);
    return m.outcome === 'accepted' && accepting !== undefined && accepting.at >= window.start;
  });
  const lateTo = new Set(late.map((m) => plain(m.to)));
  const lateIds = new Set(late.flatMap((m) => m.ids));
  return {
    accept: since(
      first(
        messages.flatMap((m) =>
          m.attempts.filter((a) => a.status === 202 && a.at + a.ms >= window.end).map((a) => a.at + a.ms),
        ),
      ),
    ),
    smsc: since(first(submits.filter((s) => lateTo.has(plain(s.to))).map((s) => s.at))),
    aggregator: since(
      first(requests.filter((r) => r.status === 200 && lateTo.has(plain(r.to))).map((r) => r.at)),
    ),
    callbacks: since(first(callbacks.filter((c) => lateIds.has(c.id)).map((c) => c.at))),
  };
}

function group<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
