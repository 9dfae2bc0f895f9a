import {
  childSpan,
  currentTrace,
  formatTraceparent,
  outgoingTraceparent,
  parseTraceparent,
  runInTrace,
} from './trace-context';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('parses a valid traceparent and formats it back', () => {
    const context = parseTraceparent(VALID)!;
    expect(context).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(formatTraceparent(context)).toBe(VALID);
    expect(parseTraceparent(VALID.toUpperCase())).toEqual(context);
  });

  it.each([
    ['missing', undefined],
    ['garbage', 'hello'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['extra fields on version 00', `${VALID}-extra`],
  ])('ignores %s', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('accepts extra fields from a future version', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more')?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('runs work in a child span of the incoming trace, and outgoing headers stay in that trace', async () => {
    expect(currentTrace()).toBeUndefined();
    await runInTrace(VALID, async () => {
      await Promise.resolve();
      const here = currentTrace()!;
      expect(here.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(here.spanId).not.toBe('00f067aa0ba902b7');
      const outgoing = parseTraceparent(outgoingTraceparent())!;
      expect(outgoing.traceId).toBe(here.traceId);
      expect(outgoing.spanId).not.toBe(here.spanId);
    });
    expect(currentTrace()).toBeUndefined();
  });

  it('starts a new sampled trace when there is none', () => {
    const root = childSpan();
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.flags).toBe('01');
    runInTrace('not a traceparent', () => expect(currentTrace()!.traceId).toMatch(/^[0-9a-f]{32}$/));
    expect(parseTraceparent(outgoingTraceparent())).toBeDefined();
  });
});
