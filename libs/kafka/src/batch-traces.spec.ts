import { parseTraceparent, runInTrace } from '@smsgate/runtime';
import { runWithBatchTraces, traceparentFor } from './batch-traces';

const A = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-00f067aa0ba902b7-01';
const B = '00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-00f067aa0ba902b7-00';
const traceOf = (header: string) => parseTraceparent(header)?.traceId;

describe('traces of a batch', () => {
  const events: { key?: string; headers: Record<string, string> }[] = [
    { key: 'message-a', headers: { traceparent: A } },
    { key: 'message-b', headers: { traceparent: B } },
    { key: 'message-c', headers: {} },
    { headers: { traceparent: A } },
  ];

  it('continues the trace of the batch event with the same key, keeping its sampling flag', async () => {
    await runWithBatchTraces(events, async () => {
      await Promise.resolve();
      expect(traceOf(traceparentFor('message-a'))).toBe('a'.repeat(32));
      expect(traceparentFor('message-b')).toMatch(/^00-b{32}-[0-9a-f]{16}-00$/);
      expect(traceparentFor('message-b')).not.toBe(B);
    });
  });

  it('starts a new trace for keys without one, and outside a batch', () => {
    runWithBatchTraces(events, () => {
      for (const key of ['message-c', 'unknown', undefined])
        expect(traceOf(traceparentFor(key))).not.toMatch(/^(a+|b+)$/);
    });
    expect(parseTraceparent(traceparentFor('message-a'))).toBeDefined();
    expect(traceOf(traceparentFor('message-a'))).not.toBe('a'.repeat(32));
  });

  it('prefers the current span (per-event work) over the batch map', () => {
    runWithBatchTraces(events, () =>
      runInTrace(B, () => expect(traceOf(traceparentFor('message-a'))).toBe('b'.repeat(32))),
    );
  });
});
