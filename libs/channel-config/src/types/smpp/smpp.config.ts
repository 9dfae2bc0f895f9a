import { z } from 'zod';
import { missingSecrets, problemsOfZod, type Parsed } from '../../shared/config-problems';
import { CommonConfigSchema } from '../../shared/common.config';

/** The bind password, sent in bind_transceiver / bind_transmitter and bind_receiver. */
export const SMPP_PASSWORD_SECRET = 'password';

export const SMPP_BIND_MODES = ['transceiver', 'transmitter_receiver'] as const;
export const SMPP_LONG_MESSAGE_MODES = ['udh8', 'udh16', 'sar', 'payload'] as const;
export const SMPP_MESSAGE_ID_FORMATS = ['hex', 'decimal'] as const;
export const SMPP_ATTACHMENT_MODES = ['refuse', 'append_url'] as const;

const wholeNumber = (min: number, max?: number) => {
  const number = z.number({ error: 'must be a number' }).int('must be a whole number');
  const atLeast = number.min(min, `must be at least ${min}`);
  return max === undefined ? atLeast : atLeast.max(max, `must be at most ${max}`);
};
/** TON and NPI are one octet each; which values an SMSC accepts is its own business. */
const octet = wholeNumber(0, 255).optional();
const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}` });

/**
 * An `smpp` channel's config as smpp-binds reads it (a key outside it is refused at save). The SMPP 3.4
 * field sizes (system_id 16 octets, system_type 13, both NUL-terminated) are enforced here so a
 * channel that could never bind is refused when it is saved.
 */
export const SmppConfigSchema = CommonConfigSchema.extend({
  host: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  port: wholeNumber(1, 65_535).default(2775),
  system_id: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(15, 'must be at most 15 characters'),
  system_type: z.string({ error: 'must be a string' }).max(12, 'must be at most 12 characters').optional(),
  bind: choice(SMPP_BIND_MODES).default('transceiver'),
  /** Binds opened to the SMSC at the same time. */
  binds: wholeNumber(1, 32).default(1),
  /** Requests in flight per bind before waiting for responses. */
  window: wholeNumber(1, 1_000).default(10),
  enquire_link_seconds: wholeNumber(1).default(30),
  /** A request unanswered this long recycles the bind; a submit_sm is then sent again. */
  response_timeout_seconds: wholeNumber(1, 300).default(10),
  /** Reconnect backoff after a lost connection: doubles from the first delay up to the last, jittered. */
  reconnect_initial_seconds: z
    .number({ error: 'must be a number' })
    .min(0.1, 'must be at least 0.1')
    .default(1),
  reconnect_max_seconds: z.number({ error: 'must be a number' }).min(1, 'must be at least 1').default(60),
  /** SMPP over TLS; `tls_verify: false` accepts an SMSC certificate that does not verify. */
  tls: z.boolean({ error: 'must be true or false' }).default(false),
  tls_verify: z.boolean({ error: 'must be true or false' }).default(true),
  source_ton: octet,
  source_npi: octet,
  dest_ton: octet,
  dest_npi: octet,
  registered_delivery: z.boolean({ error: 'must be true or false' }).default(true),
  /**
   * data_coding for text that fits it: 0 (SMSC default alphabet, GSM 03.38), 1 (IA5/ASCII) or
   * 3 (Latin-1); other text goes as UCS-2 (8).
   */
  data_coding: z.union([z.literal(0), z.literal(1), z.literal(3)], { error: 'must be 0, 1 or 3' }).default(0),
  /** GSM 03.38 packed 8 septets into 7 octets; most SMSCs expect one septet per octet (false). */
  gsm7_packed: z.boolean({ error: 'must be true or false' }).default(false),
  long_message: choice(SMPP_LONG_MESSAGE_MODES).default('udh8'),
  /** How the SMSC writes message ids in submit_sm_resp, so receipts can be matched to them. */
  message_id_format: choice(SMPP_MESSAGE_ID_FORMATS).default('hex'),
  /** How receipts write the id, when the SMSC uses the other base there (Kannel's msg-id-type). */
  receipt_message_id_format: choice(SMPP_MESSAGE_ID_FORMATS).optional(),
  /**
   * SMPP carries no MMS. A message with attachments is refused with a reason (`refuse`, the default),
   * or goes as its text with each file's URL on a line of its own after it (`append_url`, as RapidPro's
   * courier sends files on text-only channels).
   */
  attachments: choice(SMPP_ATTACHMENT_MODES).default('refuse'),
}).refine((config) => config.reconnect_max_seconds >= config.reconnect_initial_seconds, {
  path: ['reconnect_max_seconds'],
  message: 'must be at least reconnect_initial_seconds',
});

export type SmppSettings = z.output<typeof SmppConfigSchema>;

/** The keys an `smpp` config may hold besides the common ones (which its schema holds too). */
export const SMPP_CONFIG_KEYS = Object.keys(SmppConfigSchema.shape).filter(
  (key) => !Object.hasOwn(CommonConfigSchema.shape, key),
);

export function parseSmppConfig(config: unknown): Parsed<SmppSettings> {
  const parsed = SmppConfigSchema.safeParse(config ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: problemsOfZod(parsed.error, 'config') };
}

/**
 * Problems with an `smpp` channel as it is saved: config, and the bind password in secrets.
 * The host is not held to the HTTP egress policy: SMSCs are often reached over a VPN, on private
 * addresses, and smpp-binds connects only to the hosts of configured channels.
 */
export function validateSmppConfig(config: unknown, secrets: Record<string, string>): string[] {
  const parsed = parseSmppConfig(config);
  const password = secrets[SMPP_PASSWORD_SECRET];
  // bind_* carries the password in a 9-octet C-Octet string: 8 characters at most.
  const tooLong = typeof password === 'string' && Buffer.byteLength(password, 'latin1') > 8;
  return [
    ...(parsed.ok ? [] : parsed.problems),
    ...missingSecrets(secrets, [SMPP_PASSWORD_SECRET]),
    ...(tooLong ? [`secrets.${SMPP_PASSWORD_SECRET}: must be at most 8 characters (SMPP 3.4)`] : []),
  ];
}
