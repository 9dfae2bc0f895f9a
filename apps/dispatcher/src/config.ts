import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { commaList, loadConfig, millisecondsList, secretsEnv, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const dispatcherEnv = serviceEnv(8081)
  .extend(kafkaEnv.shape)
  .extend(dbEnv.shape)
  .extend(secretsEnv.shape)
  .extend({
    KAFKA_GROUP_ID: z.string().min(1).default('dispatcher'),
    /** Delays before each retry of a send (ms); attempts = delays + 1. Jittered ±20 %. */
    RETRY_DELAYS_MS: millisecondsList('2000,10000,60000,300000,900000'),
    /** One request to an aggregator, connect to last byte. */
    HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
    /**
     * Hosts or CIDRs that outbound requests may reach although they are private, loopback or
     * link-local (SSRF guard). Empty by default: only public addresses.
     */
    EGRESS_ALLOW: commaList(),
    /** How long channels and routes are cached: their edits reach dispatch within this time. */
    CONFIG_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /**
     * Ingress's public base URL (its PUBLIC_URL): IMIconnect channels without their own notify_url
     * ask for delivery reports at <this>/c/imi/<channel>/status.
     */
    INGRESS_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Messages of one consumed batch sent at the same time. */
    DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(64),
  });

export type DispatcherConfig = z.output<typeof dispatcherEnv>;
export const dispatcherConfig = (): DispatcherConfig => loadConfig('dispatcher', dispatcherEnv);
export const DISPATCHER_CONFIG = Symbol('DISPATCHER_CONFIG');
