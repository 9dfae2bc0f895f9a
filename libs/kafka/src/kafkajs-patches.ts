import { installIdleFetch } from './idle-fetch';
import { installRecordEncoder } from './record-encoder';
import { installRequestQueueTimerFix } from './request-queue-timer';

/**
 * Every change smsgate makes to kafkajs 2.2.4 (pinned and unmaintained), in one place. createKafka
 * installs them before it returns a client, i.e. before any connection or produce request; each is
 * idempotent. Each module says why, and its spec checks it against kafkajs' own code:
 *
 * - record-encoder.ts: produce requests encode records and their CRC without kafkajs' per-record
 *   allocations (a fifth of a publishing service's CPU);
 * - request-queue-timer.ts: no timer runs on an idle broker connection (kafkajs woke every 1 ms for
 *   throttling, and every 100 ms for request timeouts);
 * - idle-fetch.ts: a consumer tuned to batch does not ask the broker for nothing ten times a second.
 */
export function installKafkajsPatches(): void {
  installRecordEncoder();
  installRequestQueueTimerFix();
  installIdleFetch();
}
