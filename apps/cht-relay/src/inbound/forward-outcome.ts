import { type Outcome, Outcomes } from '@smsgate/kafka';
import { excerpt, isSuccess } from '../http/http-client';
import type { Exchange } from '../http/relay-http';

export type ForwardVerdict =
  | { result: 'ok' | 'duplicate'; outcome: Outcome }
  | { result: 'retry' | 'refused'; outcome: Outcome };

/**
 * What CHT's answer to POST …/incoming-messages means. 200 `{"saved":1}`: saved. CHT answers 400
 * "Message was not saved" for an id it already has, so a 400 after an earlier attempt that may have
 * reached CHT (no answer, a 5xx) is the duplicate of a saved message: done. 403 (a key not set or
 * rotated), 404 (no webhook at that path: the wrong apiVersion or url), 408, 429, 5xx and no answer are
 * retried with backoff; other 4xx are refused.
 */
export function chtVerdict(
  exchange: Exchange,
  maybeSavedBefore: boolean,
  secrets: string[],
  path = 'this path',
): ForwardVerdict {
  if (!exchange.ok) return { result: 'retry', outcome: Outcomes.retry(`CHT: ${exchange.error.message}`) };
  const { status, body } = exchange.response;
  if (isSuccess(status)) return { result: 'ok', outcome: Outcomes.done() };
  if (status === 400 && maybeSavedBefore) return { result: 'duplicate', outcome: Outcomes.done() };
  // CHT serves no RapidPro webhook at the path(s) tried: the target's problem, retried until it is fixed.
  if (status === 404)
    return {
      result: 'retry',
      outcome: Outcomes.retryUntilFixed(`CHT answered 404: no RapidPro webhook at ${path}`),
    };
  if (status === 403 || status === 401 || status === 408 || status === 429 || status >= 500)
    return { result: 'retry', outcome: Outcomes.retry(`CHT answered ${status} ${excerpt(body, secrets)}`) };
  return {
    result: 'refused',
    outcome: Outcomes.deadLetter(`CHT refused the message: ${status} ${excerpt(body, secrets)}`),
  };
}

/** RapidPro's /c/ex/<uuid>/receive: 2xx saved; 5xx, 408, 429 and no answer retried; other 4xx refused. */
export function rapidProVerdict(exchange: Exchange): ForwardVerdict {
  if (!exchange.ok)
    return { result: 'retry', outcome: Outcomes.retry(`RapidPro: ${exchange.error.message}`) };
  const { status, body } = exchange.response;
  if (isSuccess(status)) return { result: 'ok', outcome: Outcomes.done() };
  if (status === 408 || status === 429 || status >= 500)
    return { result: 'retry', outcome: Outcomes.retry(`RapidPro answered ${status} ${excerpt(body)}`) };
  return {
    result: 'refused',
    outcome: Outcomes.deadLetter(`RapidPro refused the message: ${status} ${excerpt(body)}`),
  };
}

/**
 * One event's outcome from its targets': any retry retries (done targets are skipped then), one that waits
 * for a fix first (so the event is never dead-lettered for another target's attempts), then refusals.
 */
export function combine(outcomes: Outcome[]): Outcome {
  const retry =
    outcomes.find((outcome) => outcome.kind === 'retry' && outcome.untilFixed) ??
    outcomes.find((outcome) => outcome.kind === 'retry');
  if (retry) return retry;
  const refused = outcomes.filter((outcome) => outcome.kind === 'dead-letter');
  if (refused.length > 0)
    return Outcomes.deadLetter(
      refused.map((outcome) => (outcome.kind === 'dead-letter' ? outcome.reason : '')).join('; '),
    );
  if (outcomes.length > 0 && outcomes.every((outcome) => outcome.kind === 'skipped')) return outcomes[0];
  return Outcomes.done();
}

/** Whether CHT may have saved the message although we did not hear so: no answer, or a 5xx. */
export const mayHaveArrived = (exchange: Exchange): boolean =>
  !exchange.ok || exchange.response.status >= 500;
