import { SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { exportingFrom, useTracerProvider } from './otel';
import {
  currentTrace,
  formatTraceparent,
  outgoingTraceparent,
  parseTraceparent,
  runInTrace,
  TraceContext,
} from './trace-context';

const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('OpenTelemetry export of smsgate spans', () => {
  it('is off unless the standard variables ask for it', () => {
    expect(exportingFrom({})).toBe('off');
    expect(exportingFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(exportingFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      'otlp',
    );
    expect(exportingFrom({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(
      exportingFrom({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    ).toBe('off');
  });

  describe('with a tracer provider', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    beforeEach(() => {
      exporter.reset();
      useTracerProvider(provider);
    });
    afterAll(() => useTracerProvider(undefined));

    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

    it('exports the span an event is handled in, under the incoming traceparent, with the ids it logs', async () => {
      let inside: TraceContext | undefined;
      let sent = '';
      await runInTrace(
        incoming,
        async () => {
          await Promise.resolve();
          inside = currentTrace();
          sent = outgoingTraceparent(undefined, 'sms.outbound.status.v1 publish', 'producer');
        },
        'sms.outbound.requested.v1 process',
      );
      const spans = exporter.getFinishedSpans();
      const handled = spans.find((span) => span.name === 'sms.outbound.requested.v1 process')!;
      const published = spans.find((span) => span.name === 'sms.outbound.status.v1 publish')!;
      expect(handled.kind).toBe(SpanKind.CONSUMER);
      expect(handled.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(parentOf(handled)).toBe('00f067aa0ba902b7');
      expect(inside).toEqual({
        traceId: handled.spanContext().traceId,
        spanId: handled.spanContext().spanId,
        flags: '01',
      });
      // The record's traceparent names the exported producer span, a child of the handling span.
      expect(published.kind).toBe(SpanKind.PRODUCER);
      expect(parseTraceparent(sent)).toEqual({
        traceId: handled.spanContext().traceId,
        spanId: published.spanContext().spanId,
        flags: '01',
      });
      expect(parentOf(published)).toBe(handled.spanContext().spanId);
    });

    it('ends the span when the work fails, marked as an error', async () => {
      await expect(
        runInTrace(incoming, () => Promise.reject(new Error('broker gone')), 'failing'),
      ).rejects.toThrow('broker gone');
      await new Promise((resolve) => setImmediate(resolve));
      const [span] = exporter.getFinishedSpans();
      expect(span.name).toBe('failing');
      expect(span.status).toEqual({ code: 2, message: 'broker gone' });
    });

    it('starts a new trace when there is no usable traceparent', () => {
      runInTrace('garbage', () => undefined, 'orphan');
      const [span] = exporter.getFinishedSpans();
      expect(parentOf(span)).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    });
  });

  it('exports nothing and still carries ids when off', () => {
    useTracerProvider(undefined);
    const ids = runInTrace(incoming, () => currentTrace());
    expect(ids?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ids?.spanId).not.toBe('00f067aa0ba902b7');
    expect(formatTraceparent(ids!)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  });
});
