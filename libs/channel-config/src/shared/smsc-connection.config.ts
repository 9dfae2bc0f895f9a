import { z } from 'zod';

/** Every SMSC channel type (smpp, ucp, cimd2) keeps its login password in this secret. */
export const SMSC_PASSWORD_SECRET = 'password';

export const SMSC_ATTACHMENT_MODES = ['refuse', 'append_url'] as const;

export const wholeNumber = (min: number, max?: number) => {
  const number = z.number({ error: 'must be a number' }).int('must be a whole number');
  const atLeast = number.min(min, `must be at least ${min}`);
  return max === undefined ? atLeast : atLeast.max(max, `must be at most ${max}`);
};

export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}` });

/**
 * The connection settings the UCP/EMI and CIMD2 types share: where the SMSC is, how many connections
 * to hold, the window of each, the answer timeout and the reconnect backoff, TLS, and what happens to
 * a message's files (no MMS over these protocols).
 */
export const smscConnectionShape = (maxWindow: number) => ({
  host: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  port: wholeNumber(1, 65_535),
  /** Connections opened to the SMSC at the same time. */
  connections: wholeNumber(1, 32).default(1),
  /** Submits in flight per connection before waiting for answers. */
  window: wholeNumber(1, maxWindow).default(1),
  /** A request unanswered this long recycles the connection; a submit is then sent again. */
  response_timeout_seconds: wholeNumber(1, 300).default(10),
  /** Reconnect backoff after a lost connection: doubles from the first delay up to the last, jittered. */
  reconnect_initial_seconds: z
    .number({ error: 'must be a number' })
    .min(0.1, 'must be at least 0.1')
    .default(1),
  reconnect_max_seconds: z.number({ error: 'must be a number' }).min(1, 'must be at least 1').default(60),
  tls: z.boolean({ error: 'must be true or false' }).default(false),
  tls_verify: z.boolean({ error: 'must be true or false' }).default(true),
  /** Ask the SMSC for delivery notifications (receipts). */
  registered_delivery: z.boolean({ error: 'must be true or false' }).default(true),
  /**
   * No MMS over an SMSC protocol: a message with attachments is refused with a reason (`refuse`, the
   * default), or goes as its text with each file's URL on a line of its own after it (`append_url`).
   */
  attachments: choice(SMSC_ATTACHMENT_MODES).default('refuse'),
});

/** The reconnect delays in order. */
export const reconnectOrder = {
  check: (config: { reconnect_initial_seconds: number; reconnect_max_seconds: number }) =>
    config.reconnect_max_seconds >= config.reconnect_initial_seconds,
  issue: { path: ['reconnect_max_seconds'], message: 'must be at least reconnect_initial_seconds' },
};
