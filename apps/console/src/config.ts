import { loadConfig } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

const serviceUrl = (what: string, fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .describe(`${what}'s base URL: the console passes its routes on there`);

export const consoleEnv = smsgateServiceEnv(8086).extend({
  ADMIN_TOKEN: z
    .string({ error: 'is required (the operator token the console signs in with)' })
    .min(16, 'must be at least 16 characters')
    .describe("the admin API's bearer token (the same as ingress'), at least 16 characters"),
  INGRESS_URL: serviceUrl('ingress', 'http://127.0.0.1:8080'),
  DLR_TRACKER_URL: serviceUrl('dlr-tracker', 'http://127.0.0.1:8083'),
  UPSTREAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(15_000)
    .describe('how long a passed-on request may take before the console answers 504'),
  BIND_REPORT_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(5_000)
    .describe(
      "smpp-binds' `BIND_REPORT_INTERVAL_MS`: a replica that has not reported for three of them is left out of `GET /v1/binds`",
    ),
  DEAD_LETTER_READ_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(300_000)
    .default(20_000)
    .describe('how long reading the dead-letter topic (browse, replay) may take before a 504'),
});
export type ConsoleConfig = z.infer<typeof consoleEnv>;
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');
export const consoleConfig = (): ConsoleConfig => loadConfig('console', consoleEnv);
