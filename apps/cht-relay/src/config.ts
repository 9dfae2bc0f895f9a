import { commaList, loadConfig, millisecondsList } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

export const chtRelayEnv = smsgateServiceEnv(8084).extend({
  KAFKA_GROUP_ID: z.string().min(1).default('cht-relay').describe('consumer group'),
  RETRY_DELAYS_MS: millisecondsList('2000,10000,60000,300000,900000,3600000').describe(
    'delays (ms) before the forwarding retries (CHT or RapidPro down: 403, 408, 429, 5xx, timeouts); ' +
      'then the dead-letter topic',
  ),
  HTTP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('one request to CHT or RapidPro'),
  EGRESS_ALLOW: commaList().describe(
    'hosts or CIDRs that CHT and RapidPro URLs may reach although private, loopback or link-local',
  ),
  CHT_IDEMPOTENCY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe(
      "a repeat of a broadcast's text and URNs within this is CHT retrying: answered, not sent again",
    ),
  CHT_API_RATE_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe(
      "RapidPro-API requests per workspace and minute (per process), unless the workspace's CHT target " +
        'sets its own',
    ),
  GATEWAY_POLL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(10_000)
    .describe('how often CHT targets in gateway mode are polled (`POST /api/sms`)'),
  LOOP_MAX_EXCHANGES: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe(
      'identical messages with one number in one direction within the loop window; more is a message loop',
    ),
  LOOP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3_600).describe('the loop window'),
  CHT_API_REPROBE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(3_600_000)
    .describe(
      'how long a CHT target with apiVersion auto keeps to the v1 path it fell back to before trying v2 ' +
        'again (a CHT upgraded to 4.1 or later)',
    ),
  CONFIG_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5_000)
    .describe('how long CHT targets and RapidPro channel mappings are cached'),
});
export type ChtRelayConfig = z.output<typeof chtRelayEnv>;
export const chtRelayConfig = (): ChtRelayConfig => loadConfig('cht-relay', chtRelayEnv);
export const CHT_RELAY_CONFIG = Symbol('CHT_RELAY_CONFIG');
