import { commaList, loadConfig, millisecondsList } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

export const dispatcherEnv = smsgateServiceEnv(8081).extend({
  KAFKA_GROUP_ID: z.string().min(1).default('dispatcher').describe('consumer group'),
  RETRY_DELAYS_MS: millisecondsList('2000,10000,60000,300000,900000').describe(
    'delays (ms, jittered ±20 %) before the retries of a send (transport errors, timeouts, 5xx, 429); ' +
      'then `failed` and the dead-letter topic',
  ),
  HTTP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(30_000)
    .describe('one request to an aggregator, connect to last byte'),
  EGRESS_ALLOW: commaList().describe(
    'hosts or CIDRs that channel URLs may reach although private, loopback or link-local (SSRF guard); ' +
      'unset: only public addresses',
  ),
  CONFIG_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300_000)
    .default(5_000)
    .describe('how long channels and routes are cached: their edits reach dispatch within this time'),
  /**
   * Ingress's public base URL (its PUBLIC_URL): IMIconnect channels without their own notify_url
   * ask for delivery reports at <this>/c/imi/<channel>/status.
   */
  INGRESS_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "ingress's `PUBLIC_URL`: IMIconnect channels without `notify_url` get " +
        '`<this>/c/imi/<channel>/status` as `notifyurl` (`npm start` sets it)',
    ),
  DISPATCH_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(64)
    .describe('messages of a consumed batch sent at once'),
  DISPATCH_RETRY_AFTER_MAX_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(300_000)
    .describe(
      'longest pause of an HTTP channel after its provider answers 429 or 503 with `Retry-After` ' +
        '(longer ones are capped and logged; 0: never pause)',
    ),
});

export type DispatcherConfig = z.output<typeof dispatcherEnv>;
export const dispatcherConfig = (): DispatcherConfig => loadConfig('dispatcher', dispatcherEnv);
export const DISPATCHER_CONFIG = Symbol('DISPATCHER_CONFIG');
