import type { Detail, SendResult } from './channel-adapter';
import { HttpTransportError, type HttpResponse } from '@smsgate/egress';

const EXCERPT_LENGTH = 200;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Replaces every secret value (and derived forms the caller adds) in text meant for results. */
export type Redact = (text: string) => string;

export function redactorFor(secretValues: Iterable<string>): Redact {
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...new Set(secretValues)]
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text) => values.reduce((result, value) => result.split(value).join('[redacted]'), text);
}

export function excerpt(body: string, redact: Redact): string {
  const trimmed = body.trim();
  const cut = trimmed.length > EXCERPT_LENGTH ? `${trimmed.slice(0, EXCERPT_LENGTH)}…` : trimmed;
  return redact(cut);
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/**
 * The outcome of a response that is not a 2xx: 408, 429 and 5xx may succeed later, anything else
 * (4xx, and 3xx since redirects are not followed) will not.
 */
export function outcomeOfStatus(response: HttpResponse, redact: Redact, extra: Detail = {}): SendResult {
  const detail: Detail = { ...extra, status: response.status, body: excerpt(response.body, redact) };
  const { status } = response;
  if (status === 429 || status === 503) {
    // Their Retry-After pauses the channel (dispatcher); without one the retry schedule applies.
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return {
      kind: 'retry',
      reason: status === 429 ? 'HTTP 429 (rate limited)' : 'HTTP 503',
      ...(retryAfterMs ? { retryAfterMs } : {}),
      detail,
    };
  }
  if (status === 408 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}`, detail };
  if (status >= 300 && status <= 399) {
    return { kind: 'failed', reason: `HTTP ${status}: redirects are not followed`, detail };
  }
  return { kind: 'failed', reason: `HTTP ${status}`, detail };
}

/** The outcome of a request that got no response. */
export function outcomeOfError(error: unknown, redact: Redact, extra: Detail = {}): SendResult {
  if (error instanceof HttpTransportError) {
    const detail: Detail = { ...extra, transport: error.failure };
    const reason = redact(error.message);
    return error.failure === 'refused'
      ? { kind: 'failed', reason: `destination refused: ${reason}`, detail }
      : { kind: 'retry', reason, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'retry', reason: redact(`unexpected error: ${message}`), detail: extra };
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  // delta-seconds, or one of the HTTP date forms, which all start with the day's name.
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : /^[A-Za-z]/.test(text) ? Date.parse(text) - now : NaN;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
