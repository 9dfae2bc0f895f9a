import { commaList, loadConfig } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

export const ingressEnv = smsgateServiceEnv(8080).extend({
  ADMIN_TOKEN: z
    .string({ error: 'is required (bearer token for the admin API)' })
    .min(16, 'must be at least 16 characters')
    .describe('bearer token of the admin API, at least 16 characters'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "base URL aggregators and handsets reach us on, shown in channels' inbound URLs and smartlinks' short " +
        'URLs (`<PUBLIC_URL>/l/<code>`); unset: `http://127.0.0.1:$PORT`',
    ),
  /**
   * dlr-tracker's base URL: GET /v1/messages (the list) is passed on there, so one public host serves
   * POST (send, here) and GET (list, there) on the same path. Unset: that GET answers 404 with a reason.
   */
  MESSAGES_API_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "dlr-tracker's base URL: `GET /v1/messages` on ingress is passed on there (one public host); " +
        "unset: that GET answers 404 with a reason (`npm start` sets dlr-tracker's)",
    ),
  INBOUND_DEDUP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(120)
    .describe('a re-post of the same inbound message within this many seconds returns the original id'),
  /**
   * How long a send request may be repeated (same Idempotency-Key, or the same request with a
   * correlation id) and get its first answer instead of sending again.
   */
  SEND_REPEAT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(604_800)
    .default(86_400)
    .describe(
      'how long a send request may be repeated (same `Idempotency-Key`, or the same request with a ' +
        'correlation id) and get its first answer instead of sending again',
    ),
  /**
   * The dispatcher's egress allow-list (hosts or CIDRs), so a channel saved here is checked against
   * the policy its sends will run under: an IP-literal URL outside it is refused on save.
   */
  EGRESS_ALLOW: commaList().describe(
    "the dispatcher's allow-list of hosts or CIDRs (SSRF guard), so a channel saved here is checked against " +
      'the policy its sends will run under: an IP-literal URL outside it is refused on save',
  ),
});

export type IngressConfig = z.output<typeof ingressEnv> & { publicUrl: string };

export function ingressConfig(): IngressConfig {
  const env = loadConfig('ingress', ingressEnv);
  return { ...env, publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, '') };
}

export const INGRESS_CONFIG = Symbol('INGRESS_CONFIG');
