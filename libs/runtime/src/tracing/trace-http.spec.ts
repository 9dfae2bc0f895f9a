import Fastify from 'fastify';
import { currentTrace, inTraceSync } from './trace-context';
import { traceHttp, traceOf } from './trace-http';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function seen(ambient: boolean | undefined) {
  const app = Fastify();
  traceHttp(app, ambient === undefined ? {} : { ambient });
  app.get('/', async (request) => {
    await Promise.resolve();
    return { current: currentTrace()?.traceId ?? null, passed: traceOf(request)?.traceId ?? null };
  });
  const response = await app.inject({ method: 'GET', url: '/', headers: { traceparent: CALLER } });
  await app.close();
  return response.json<{ current: string | null; passed: string | null }>();
}

describe('HTTP request traces', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('makes the request span current for everything the request does, by default', async () => {
    expect(await seen(undefined)).toEqual({ current: traceId, passed: traceId });
  });

  it('only keeps it with the request when it is not ambient', async () => {
    expect(await seen(false)).toEqual({ current: null, passed: traceId });
  });

  it('makes a span current for a synchronous call only', async () => {
    const span = { traceId, spanId: '00f067aa0ba902b7', flags: '01' };
    let later: unknown = 'unset';
    const inside = inTraceSync(span, () => {
      void Promise.resolve().then(() => (later = currentTrace()));
      return currentTrace();
    });
    await Promise.resolve();
    expect(inside).toEqual(span);
    expect(later).toBeUndefined();
    expect(currentTrace()).toBeUndefined();
  });
});
