import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { commaList, loadConfig, millisecondsList, secretsEnv, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const chtRelayEnv = serviceEnv(8084)
  .extend(kafkaEnv.shape)
  .extend(dbEnv.shape)
  .extend(secretsEnv.shape)
  .extend({
    KAFKA_GROUP_ID: z.string().min(1).default('cht-relay'),
    /** Forwarding retries (CHT or RapidPro down, 403, 5xx, timeouts); then the dead-letter topic. */
    RETRY_DELAYS_MS: millisecondsList('2000,10000,60000,300000,900000,3600000'),
    /** One request to CHT or RapidPro. */
    HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Hosts or CIDRs that CHT / RapidPro URLs may reach although private/loopback/link-local. */
    EGRESS_ALLOW: commaList(),
    /** A broadcast with the same text and URNs within this window is CHT retrying: answered, not re-sent. */
    CHT_IDEMPOTENCY_SECONDS: z.coerce.number().int().min(1).default(600),
    /** RapidPro-API requests per minute and workspace, unless the workspace's CHT target sets its own. */
    CHT_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** How often CHT targets in gateway mode are polled (POST /api/sms). */
    GATEWAY_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(10_000),
    /** More than this many identical messages with one number within the window is a message loop. */
    LOOP_MAX_EXCHANGES: z.coerce.number().int().min(1).default(10),
    LOOP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3_600),
    /** How long targets and RapidPro channel mappings are cached. */
    CONFIG_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  });
export type ChtRelayConfig = z.output<typeof chtRelayEnv>;
export const chtRelayConfig = (): ChtRelayConfig => loadConfig('cht-relay', chtRelayEnv);
export const CHT_RELAY_CONFIG = Symbol('CHT_RELAY_CONFIG');
