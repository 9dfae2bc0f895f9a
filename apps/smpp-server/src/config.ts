import { loadConfig, millisecondsList } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

const whole = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const port = (fallback: number) => whole(1, 65_535, fallback);

export const smppServerEnv = smsgateServiceEnv(8085)
  .extend({
    ADMIN_TOKEN: z
      .string({ error: 'is required (bearer token for GET /v1/smpp-server/sessions)' })
      .min(16, 'must be at least 16 characters')
      .describe('bearer token of `GET /v1/smpp-server/sessions`, at least 16 characters'),
    KAFKA_GROUP_ID: z
      .string()
      .min(1)
      .default('smpp-server')
      .describe('consumer group (final statuses → receipts, inbound messages → MOs)'),
    RETRY_DELAYS_MS: millisecondsList('1000,5000,30000,120000').describe(
      'delays (ms) before the retries of a status or inbound event whose receipts/MOs could not be stored',
    ),
    SMPP_PORT: port(2775).describe('where ESMEs bind over plain TCP'),
    SMPP_TLS_PORT: port(3550).describe('where ESMEs bind over TLS, when a certificate is given'),
    SMPP_TLS_CERT_FILE: z
      .string()
      .min(1)
      .optional()
      .describe(
        'PEM certificate (chain) of the TLS listener; with `SMPP_TLS_KEY_FILE`; unset: no TLS listener',
      ),
    SMPP_TLS_KEY_FILE: z
      .string()
      .min(1)
      .optional()
      .describe("PEM private key of the TLS listener's certificate"),
    SMPP_SYSTEM_ID: z
      .string()
      .regex(/^[!-~]{1,15}$/, 'must be 1 to 15 printable ASCII characters')
      .default('smsgate')
      .describe("the system_id in smsgate's bind responses"),
    SMPP_WINDOW: whole(1, 10_000, 100).describe(
      'submits of one bind being accepted at once; one more is answered ESME_RTHROTTLED',
    ),
    SMPP_DELIVER_WINDOW: whole(1, 1_000, 10).describe(
      'deliver_sm (receipts, MOs) unanswered at once per bind',
    ),
    SMPP_IDLE_TIMEOUT_MS: whole(1_000, 3_600_000, 120_000).describe(
      'nothing received this long: a bound session is unbound',
    ),
    SMPP_BIND_TIMEOUT_MS: whole(100, 600_000, 10_000).describe('a connection not bound this long is closed'),
    SMPP_RESPONSE_TIMEOUT_MS: whole(100, 600_000, 10_000).describe(
      "how long smsgate's own requests (deliver_sm, enquire_link, unbind) wait for their answer",
    ),
    SMPP_ENQUIRE_LINK_INTERVAL_MS: whole(0, 3_600_000, 30_000).describe(
      'nothing received this long on a bound session: smsgate sends enquire_link (0: never)',
    ),
    SMPP_DRAIN_TIMEOUT_MS: whole(0, 600_000, 10_000).describe(
      'on SIGTERM, how long submits being accepted and deliver_sm in flight may take before unbind',
    ),
    SMPP_DEDUPE_WINDOW_SECONDS: whole(0, 86_400, 600).describe(
      'a submit repeated within this window (same account, sequence number and content) is answered with the first one’s message id and not sent again',
    ),
    SMPP_FAILED_BINDS_PER_MINUTE: whole(1, 10_000, 10).describe(
      'failed binds per remote address and minute; beyond, binds are refused ESME_RBINDFAIL unchecked',
    ),
    SMPP_ACCOUNT_CHECK_INTERVAL_MS: whole(100, 600_000, 5_000).describe(
      'how often accounts with binds open are read again (disabled, deleted or a new password: their sessions close) and this replica refreshes its binds and tps share; binds not refreshed for 3 checks (at least 15 s) stop counting',
    ),
    SMPP_PARTS_TIMEOUT_SECONDS: whole(1, 86_400, 300).describe(
      'parts of a concatenated submit wait this long for the rest; then the parts present go out as one message',
    ),
    SMPP_DELIVERY_EXPIRY_HOURS: whole(1, 720, 72).describe(
      'receipts and MOs wait this long for a receiver bind of their account; then they expire',
    ),
    SMPP_DELIVERY_POLL_INTERVAL_MS: whole(50, 60_000, 1_000).describe(
      'how often receipts and MOs other replicas stored are looked for, while an account has a receiver bound here',
    ),
  })
  .refine((env) => (env.SMPP_TLS_CERT_FILE === undefined) === (env.SMPP_TLS_KEY_FILE === undefined), {
    path: ['SMPP_TLS_KEY_FILE'],
    message: 'give SMPP_TLS_CERT_FILE and SMPP_TLS_KEY_FILE together (or neither)',
  });
export type SmppServerConfig = z.output<typeof smppServerEnv>;
export const smppServerConfig = (): SmppServerConfig => loadConfig('smpp-server', smppServerEnv);
export const SMPP_SERVER_CONFIG = Symbol('SMPP_SERVER_CONFIG');
