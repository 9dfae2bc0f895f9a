import { HttpTransportError } from '@smsgate/egress';
import { excerpt, outcomeOfError, outcomeOfStatus, parseRetryAfter, redactorFor } from './http-outcome';

const none = redactorFor([]);

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:01:30 GMT', now)).toBe(90_000);
  });

  it('clamps dates in the past to 0 and waits at most a day', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(86_400_000);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('Someday, 99 Foo 2026', now)).toBeUndefined();
  });
});

describe('outcomeOfStatus', () => {
  it('leaves retryAfterMs out of a 429 without Retry-After', () => {
    expect(outcomeOfStatus({ status: 429, headers: {}, body: '' }, none)).toEqual({
      kind: 'retry',
      reason: 'HTTP 429 (rate limited)',
      detail: { status: 429, body: '' },
    });
  });

  it('gives the pause of a 429 or 503 with Retry-After, in either form, and none for a date past', () => {
    const at = (status: number, value: string) =>
      outcomeOfStatus({ status, headers: { 'retry-after': value }, body: '' }, none);
    expect(at(429, '2')).toMatchObject({ kind: 'retry', retryAfterMs: 2_000 });
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(at(503, inTenSeconds)).toMatchObject({ kind: 'retry', reason: 'HTTP 503' });
    expect(at(503, inTenSeconds)).toHaveProperty('retryAfterMs', expect.any(Number));
    expect(at(503, 'Sun, 22 Nov 2020 09:00:00 GMT')).not.toHaveProperty('retryAfterMs');
    expect(at(502, '5')).not.toHaveProperty('retryAfterMs');
  });

  it('cuts long bodies in the detail', () => {
    const result = outcomeOfStatus({ status: 400, headers: {}, body: 'e'.repeat(1_000) }, none);
    expect(result.detail?.['body']).toBe(`${'e'.repeat(200)}…`);
  });
});

describe('outcomeOfError', () => {
  it('fails refused destinations and retries the other transport failures', () => {
    expect(outcomeOfError(new HttpTransportError('refused', 'x is a loopback address'), none)).toMatchObject({
      kind: 'failed',
    });
    for (const failure of ['timeout', 'dns', 'connection'] as const) {
      expect(outcomeOfError(new HttpTransportError(failure, 'm'), none)).toMatchObject({
        kind: 'retry',
        detail: { transport: failure },
      });
    }
  });

  it('retries an unexpected error, redacted', () => {
    expect(outcomeOfError(new Error('boom with k3y'), redactorFor(['k3y']))).toEqual({
      kind: 'retry',
      reason: 'unexpected error: boom with [redacted]',
      detail: {},
    });
  });
});

describe('redactorFor', () => {
  it('replaces the longest secret first and ignores empty ones', () => {
    const redact = redactorFor(['abc', 'abcdef', '']);
    expect(redact('x abcdef y abc z')).toBe('x [redacted] y [redacted] z');
    expect(excerpt('  token abc  ', redact)).toBe('token [redacted]');
  });
});
