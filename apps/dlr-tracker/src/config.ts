import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { commaList, loadConfig, millisecondsList, secretsEnv, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const dlrTrackerEnv = serviceEnv(8083)
  .extend(kafkaEnv.shape)
  .extend(dbEnv.shape)
  .extend(secretsEnv.shape)
  .extend({
    KAFKA_GROUP_ID: z.string().min(1).default('dlr-tracker'),
    /** Comma-separated retry delays in ms; attempts = delays + 1, then the dead-letter topic. */
    RETRY_DELAYS_MS: millisecondsList('1000,5000,30000,120000'),
    /**
     * Events applied per ledger transaction, at most (a batch is what Kafka has ready, so this only
     * bounds a backlog). Bigger transactions amortise each one's fixed cost: measured on 2 cores, 2,000
     * took a quarter less CPU per event than 500.
     */
    LEDGER_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(2_000),
    /**
     * A fetch of status events waits for this many bytes, or LEDGER_FETCH_WAIT_MS: under steady traffic
     * the ledger then applies batches of hundreds rather than a few (its cost is largely per batch).
     */
    LEDGER_FETCH_MIN_BYTES: z.coerce.number().int().min(1).default(131_072),
    LEDGER_FETCH_WAIT_MS: z.coerce.number().int().min(10).max(1_000).default(100),
    /** Receipts younger than this wait to be this old before they are applied (0: no wait). */
    LEDGER_RECEIPT_SETTLE_MS: z.coerce.number().int().min(0).max(5_000).default(200),
    /** Partitions applied at once, each in its own transaction: hides the round trips' latency. */
    LEDGER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
    /** How often messages past their expiresAt are marked expired. */
    EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
    /**
     * How often messages handed to their provider are checked against their channel's receipt timeout
     * (`receipt_timeout_seconds`; the timeout itself is per channel).
     */
    RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(60_000),
    /** Parked receipts older than this are reported to the dead-letter topic (still applied if their id comes). */
    PARKED_HORIZON_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(48 * 3_600),
    PARKED_REPORT_INTERVAL_MS: z.coerce.number().int().min(50).default(60_000),
    /** How often the callback worker looks for due callbacks while it finds some. */
    CALLBACK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
    /**
     * How often at most while it finds none (the wait doubles from CALLBACK_POLL_INTERVAL_MS up to
     * this). Callbacks this replica writes and retries it schedules go when due regardless; this bounds
     * the wait for callbacks another replica left behind.
     */
    CALLBACK_IDLE_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
    /** Delay before each callback retry; attempts = delays + 1, then the failure is recorded on the message. */
    CALLBACK_RETRY_DELAYS_MS: millisecondsList('1000,5000,30000,120000,600000'),
    CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    CALLBACK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
    /** Finished callbacks (delivered or failed) are deleted from the outbox after this many hours. */
    CALLBACK_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(7 * 24),
    CALLBACK_PRUNE_INTERVAL_MS: z.coerce.number().int().min(50).default(600_000),
    /**
     * Hosts, IP addresses or IPv4 CIDRs callbacks may reach although they are private, loopback or
     * link-local (refused otherwise), e.g. `127.0.0.1,10.0.0.0/8,hooks.internal`.
     */
    CALLBACK_ALLOW_HOSTS: commaList({ lowerCase: true }),
  })
  .refine((env) => env.CALLBACK_IDLE_POLL_INTERVAL_MS >= env.CALLBACK_POLL_INTERVAL_MS, {
    path: ['CALLBACK_IDLE_POLL_INTERVAL_MS'],
    message: 'must be at least CALLBACK_POLL_INTERVAL_MS',
  });

export type DlrTrackerConfig = z.output<typeof dlrTrackerEnv>;
export const dlrTrackerConfig = (): DlrTrackerConfig => loadConfig('dlr-tracker', dlrTrackerEnv);
export const DLR_TRACKER_CONFIG = Symbol('DLR_TRACKER_CONFIG');
