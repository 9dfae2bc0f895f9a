import {
  installRequestQueueTimerFix,
  scheduleCheckPendingRequests,
  scheduleRequestTimeoutCheck,
} from './request-queue-timer';

const queue = (pending: unknown[], throttledUntil = -1) => ({
  throttleCheckTimeoutId: null as NodeJS.Timeout | null,
  throttledUntil,
  pending,
  checkPendingRequests: jest.fn(),
});

describe('kafkajs request queue timer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('schedules nothing when no request waits and nothing throttles (kafkajs looped every 1 ms)', () => {
    const idle = queue([]);
    scheduleCheckPendingRequests.call(idle);
    expect(idle.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks a queued request again after 10 ms', () => {
    const busy = queue([{}]);
    scheduleCheckPendingRequests.call(busy);
    jest.advanceTimersByTime(9);
    expect(busy.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(busy.checkPendingRequests).toHaveBeenCalledTimes(1);
    expect(busy.throttleCheckTimeoutId).toBeNull();
  });

  it('checks when a broker throttle ends, even with nothing queued yet', () => {
    const throttled = queue([], Date.now() + 250);
    scheduleCheckPendingRequests.call(throttled);
    jest.advanceTimersByTime(249);
    expect(throttled.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(throttled.checkPendingRequests).toHaveBeenCalledTimes(1);
  });

  it('keeps one timer at a time', () => {
    const busy = queue([{}]);
    scheduleCheckPendingRequests.call(busy);
    scheduleCheckPendingRequests.call(busy);
    expect(jest.getTimerCount()).toBe(1);
  });

  it("replaces kafkajs' methods", () => {
    installRequestQueueTimerFix();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
      prototype: Record<string, unknown>;
    };
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
    expect(RequestQueue.prototype.scheduleRequestTimeoutCheck).toBe(scheduleRequestTimeoutCheck);
  });
});

interface RealRequestQueue {
  inflight: Map<number, unknown>;
  scheduleRequestTimeoutCheck(): void;
  push(request: unknown): void;
  fulfillRequest(response: { correlationId: number; size: number; payload: Buffer }): void;
  destroy(): void;
}

describe("kafkajs request queue's timeout check", () => {
  const REQUEST_TIMEOUT = 1_000;
  let connected: boolean;
  let checks: number;
  let queue: RealRequestQueue;
  let correlationId: number;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    installRequestQueueTimerFix();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (
      options: object,
    ) => RealRequestQueue;
    connected = true;
    checks = 0;
    correlationId = 0;
    const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
    queue = new RequestQueue({
      maxInFlightRequests: null,
      requestTimeout: REQUEST_TIMEOUT,
      enforceRequestTimeout: true,
      clientId: 'test',
      broker: 'localhost:9092',
      logger,
      isConnected: () => {
        checks++;
        return connected;
      },
    });
    queue.scheduleRequestTimeoutCheck(); // as kafkajs does once the socket is connected
  });
  afterEach(() => {
    queue.destroy();
    jest.useRealTimers();
  });

  /** Sends a request the way a kafkajs connection does; the promise settles with its answer or timeout. */
  const send = (requestTimeout?: number) => {
    const id = ++correlationId;
    const outcome = new Promise((resolve, reject) =>
      queue.push({
        entry: { correlationId: id, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve, reject },
        expectResponse: true,
        requestTimeout,
        sendRequest: () => undefined,
      }),
    ).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    return { id, outcome };
  };

  it('does not wake while nothing is in flight (kafkajs checked every 100 ms)', () => {
    jest.advanceTimersByTime(REQUEST_TIMEOUT);
    expect(checks).toBe(0);
    jest.advanceTimersByTime(REQUEST_TIMEOUT + 1);
    expect(checks).toBe(1);
    expect(jest.getTimerCount()).toBe(1);
  });

  it('times a request out just after its deadline, not before', async () => {
    jest.advanceTimersByTime(300);
    const { outcome } = send();
    jest.advanceTimersByTime(REQUEST_TIMEOUT);
    expect(queue.inflight.size).toBe(1);
    jest.advanceTimersByTime(1);
    expect(queue.inflight.size).toBe(0);
    await expect(outcome).resolves.toBe('KafkaJSRequestTimeoutError');
  });

  it("honours a request's own longer timeout (a fetch's wait) and leaves answered requests alone", async () => {
    const fetch = send(3 * REQUEST_TIMEOUT);
    const produce = send();
    queue.fulfillRequest({ correlationId: produce.id, size: 0, payload: Buffer.alloc(0) });
    jest.advanceTimersByTime(3 * REQUEST_TIMEOUT);
    expect(queue.inflight.has(fetch.id)).toBe(true);
    jest.advanceTimersByTime(1);
    await expect(fetch.outcome).resolves.toBe('KafkaJSRequestTimeoutError');
    await expect(produce.outcome).resolves.toBe('answered');
  });

  it('checks a request sent between two checks in time', async () => {
    const first = send(10 * REQUEST_TIMEOUT);
    jest.advanceTimersByTime(REQUEST_TIMEOUT / 2);
    const second = send();
    jest.advanceTimersByTime(REQUEST_TIMEOUT + 1);
    await expect(second.outcome).resolves.toBe('KafkaJSRequestTimeoutError');
    expect(queue.inflight.has(first.id)).toBe(true);
  });

  it('stops checking once the connection is gone', () => {
    connected = false;
    jest.advanceTimersByTime(REQUEST_TIMEOUT + 1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
