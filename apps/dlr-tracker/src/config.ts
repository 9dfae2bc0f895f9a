import { commaList, loadConfig, millisecondsList } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

export const dlrTrackerEnv = smsgateServiceEnv(8083)
  .extend({
    ADMIN_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe(
        "the admin API's bearer token (ingress'): with `X-Smsgate-Workspace` it reads that workspace's messages (the console, the CLI); unset: workspace keys only",
      ),
    KAFKA_GROUP_ID: z.string().min(1).default('dlr-tracker').describe('consumer group'),
    RETRY_DELAYS_MS: millisecondsList('1000,5000,30000,120000').describe(
      'delays (ms) before the retries of an event; then the dead-letter topic',
    ),
    /**
     * Events applied per ledger transaction, at most (a batch is what Kafka has ready, so this only
     * bounds a backlog). Bigger transactions amortise each one's fixed cost: measured on 2 cores, 2,000
     * took a quarter less CPU per event than 500.
     */
    LEDGER_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(2_000)
      .describe('status events applied per ledger transaction, at most'),
    /**
     * A fetch of status events waits for this many bytes, or LEDGER_FETCH_WAIT_MS: under steady traffic
     * the ledger then applies batches of hundreds rather than a few (its cost is largely per batch).
     */
    LEDGER_FETCH_MIN_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(131_072)
      .describe('a status fetch waits for this many bytes (or `LEDGER_FETCH_WAIT_MS`): bigger batches'),
    LEDGER_FETCH_WAIT_MS: z.coerce
      .number()
      .int()
      .min(10)
      .max(1_000)
      .default(100)
      .describe('how long a status fetch waits for them'),
    LEDGER_RECEIPT_SETTLE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(5_000)
      .default(200)
      .describe('receipts younger than this wait, so their `sent` is applied first (0: no wait)'),
    LEDGER_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(3)
      .describe('partitions applied at once, each in its own transaction'),
    EXPIRY_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .default(30_000)
      .describe('how often messages past `expiresAt` are marked expired'),
    /**
     * How often messages handed to their provider are checked against their channel's receipt timeout
     * (`receipt_timeout_seconds`; the timeout itself is per channel).
     */
    RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .default(60_000)
      .describe(
        "how often messages waiting for a receipt are checked against their channel's receipt timeout " +
          '(`receipt_timeout_seconds`)',
      ),
    PARKED_HORIZON_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(48 * 3_600)
      .describe(
        'parked receipts older than this (48 h) are reported to `sms.deadletter.v1` (still applied if their id comes)',
      ),
    PARKED_REPORT_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .default(60_000)
      .describe(
        'how often parked events are released (when their other half exists) or checked against the horizon',
      ),
    CALLBACK_POLL_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(10)
      .default(500)
      .describe('how often the callback worker looks for due callbacks while it finds some'),
    /**
     * How often at most while it finds none (the wait doubles from CALLBACK_POLL_INTERVAL_MS up to
     * this). Callbacks this replica writes and retries it schedules go when due regardless; this bounds
     * the wait for callbacks another replica left behind.
     */
    CALLBACK_IDLE_POLL_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(10)
      .default(5_000)
      .describe(
        'while it finds none, the wait doubles up to this (callbacks this replica writes and its retries go ' +
          'when due regardless)',
      ),
    CALLBACK_RETRY_DELAYS_MS: millisecondsList('1000,5000,30000,120000,600000').describe(
      'delays (ms) before the callback retries (5xx, 408, 429, timeouts, network errors); then the failure ' +
        'is recorded on the message',
    ),
    CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000).describe('per callback request'),
    CALLBACK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32).describe('callbacks in flight'),
    CALLBACK_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(7 * 24)
      .describe(
        'finished callbacks (delivered, or failed and recorded on the message) are deleted after this',
      ),
    CALLBACK_PRUNE_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .default(600_000)
      .describe('how often that clean-up runs'),
    EGRESS_ALLOW: commaList().describe(
      'hosts, addresses or CIDRs callbacks (notifyUrl) may reach although private, loopback or link-local ' +
        '(refused otherwise, as the other services refuse them), e.g. `127.0.0.1,10.0.0.0/8,hooks.internal`',
    ),
    // Read together with EGRESS_ALLOW: both are lists of what the operator meant to allow.
    CALLBACK_ALLOW_HOSTS: commaList().describe(
      'the former name of EGRESS_ALLOW, still read (added to it) with a warning at start: rename it',
    ),
  })
  .refine((env) => env.CALLBACK_IDLE_POLL_INTERVAL_MS >= env.CALLBACK_POLL_INTERVAL_MS, {
    path: ['CALLBACK_IDLE_POLL_INTERVAL_MS'],
    message: 'must be at least CALLBACK_POLL_INTERVAL_MS',
  });

export type DlrTrackerConfig = z.output<typeof dlrTrackerEnv>;
export const dlrTrackerConfig = (): DlrTrackerConfig => loadConfig('dlr-tracker', dlrTrackerEnv);
export const DLR_TRACKER_CONFIG = Symbol('DLR_TRACKER_CONFIG');
