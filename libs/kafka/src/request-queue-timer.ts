/**
 * kafkajs 2.2.4 keeps a 1 ms timer running on every broker connection for as long as it is open:
 * `RequestQueue.scheduleCheckPendingRequests` computes `throttledUntil - Date.now()`, which is hugely
 * negative when nothing throttles (`throttledUntil` is -1), and schedules the next check that far in
 * the past, i.e. in 1 ms, again and again. About a thousand wake-ups a second per connection were
 * 2-3 % of a core for every idle service.
 *
 * The replacement schedules a check only when something waits for it: a request queued behind the
 * in-flight limit (checked again in 10 ms, kafkajs' interval, and whenever an answer frees a slot) or
 * a broker-requested throttle (checked when it ends). `push` schedules when it queues a request, and
 * every answer or timeout checks the queue, so nothing is left waiting.
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

export function installRequestQueueTimerFix(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require(require.resolve(MODULE)) as { prototype: Record<string, unknown> };
  if (typeof RequestQueue.prototype.scheduleCheckPendingRequests !== 'function')
    throw new Error(`${MODULE} has no scheduleCheckPendingRequests: kafkajs changed, review this fix`);
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
