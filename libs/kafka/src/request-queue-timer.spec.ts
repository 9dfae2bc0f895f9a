import { installRequestQueueTimerFix, scheduleCheckPendingRequests } from './request-queue-timer';

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

  it("replaces kafkajs' method", () => {
    installRequestQueueTimerFix();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
      prototype: Record<string, unknown>;
    };
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });
});
