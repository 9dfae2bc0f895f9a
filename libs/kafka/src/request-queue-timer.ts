/**
 * Two timers kafkajs 2.2.4 keeps running on every idle broker connection, replaced here.
 *
 * 1. kafkajs keeps a 1 ms timer running on every broker connection for as long as it is open:
 * `RequestQueue.scheduleCheckPendingRequests` computes `throttledUntil - Date.now()`, which is hugely
 * negative when nothing throttles (`throttledUntil` is -1), and schedules the next check that far in
 * the past, i.e. in 1 ms, again and again. About a thousand wake-ups a second per connection were
 * 2-3 % of a core for every idle service.
 *
 * The replacement schedules a check only when something waits for it: a request queued behind the
 * in-flight limit (checked again in 10 ms, kafkajs' interval, and whenever an answer frees a slot) or
 * a broker-requested throttle (checked when it ends). `push` schedules when it queues a request, and
 * every answer or timeout checks the queue, so nothing is left waiting.
 *
 * 2. `RequestQueue.scheduleRequestTimeoutCheck` looks for requests past their timeout every 100 ms,
 *    connected or idle: with five or six connections a service woke 50-60 times a second for
 *    nothing (with the two extra epoll turns each, about 1% of a core idle). The replacement wakes at
 *    the earliest deadline of a request in flight, or one request timeout from now when none is:
 *    every request sent later has its deadline at least one request timeout after it is sent (kafkajs
 *    gives a request the longer of its own and the client's timeout), so none is checked late. It
 *    times a request out when kafkajs would (strictly after its deadline), and stops when the
 *    connection is gone, as kafkajs' interval did.
 */
const MODULE = 'kafkajs/src/network/requestQueue/index.js';
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueState {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  throttledUntil: number;
  pending: unknown[];
  checkPendingRequests(): void;
}

export function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledFor <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

interface InflightRequest {
  sentAt: number | null;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface TimeoutCheckState {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  inflight: Map<number, InflightRequest>;
  isConnected(): boolean;
  destroy(): void;
}

export function scheduleRequestTimeoutCheck(this: TimeoutCheckState): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  const check = (): void => {
    const now = Date.now();
    let next = now + this.requestTimeout;
    for (const request of this.inflight.values()) {
      // kafkajs sets sentAt right after putting the request in flight: a request without it was
      // sent in this very turn, its deadline a whole timeout away.
      if (request.sentAt === null) continue;
      const deadline = request.sentAt + request.requestTimeout;
      if (now > deadline) request.timeoutRequest();
      else next = Math.min(next, deadline);
    }
    if (!this.isConnected()) {
      this.destroy();
      return;
    }
    this.requestTimeoutIntervalId = setTimeout(check, next + 1 - now);
  };
  this.requestTimeoutIntervalId = setTimeout(check, this.requestTimeout + 1);
}

export function installRequestQueueTimerFix(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require(require.resolve(MODULE)) as { prototype: Record<string, unknown> };
  if (typeof RequestQueue.prototype.scheduleCheckPendingRequests !== 'function')
    throw new Error(`${MODULE} has no scheduleCheckPendingRequests: kafkajs changed, review this fix`);
  if (typeof RequestQueue.prototype.scheduleRequestTimeoutCheck !== 'function')
    throw new Error(`${MODULE} has no scheduleRequestTimeoutCheck: kafkajs changed, review this fix`);
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck;
}
