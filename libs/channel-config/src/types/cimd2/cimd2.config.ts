import { z } from 'zod';
import { CommonConfigSchema } from '../../shared/common.config';
import { missingSecrets, problemsOfZod, type Parsed } from '../../shared/config-problems';
import {
  reconnectOrder,
  smscConnectionShape,
  SMSC_PASSWORD_SECRET,
  wholeNumber,
} from '../../shared/smsc-connection.config';

/**
 * A `cimd2` channel's config (Nokia CIMD 2) as smpp-binds reads it; a key outside it is refused at
 * save. The login is operation 01 with the user identity (`username`) and the password secret.
 */
export const Cimd2ConfigSchema = CommonConfigSchema.extend({
  // Packet numbers from us are the odd ones of 1-255: at most 128 in flight per connection.
  ...smscConnectionShape(128),
  /** The user identity of the login (operation 01). */
  username: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(32, 'must be at most 32 characters'),
  /** Operation 40 (alive) every this many seconds keeps an idle connection open; 0: never. */
  alive_seconds: wholeNumber(0, 3_600).default(60),
}).refine(reconnectOrder.check, reconnectOrder.issue);

export type Cimd2Settings = z.output<typeof Cimd2ConfigSchema>;

export const CIMD2_CONFIG_KEYS = Object.keys(Cimd2ConfigSchema.shape).filter(
  (key) => !Object.hasOwn(CommonConfigSchema.shape, key),
);

export function parseCimd2Config(config: unknown): Parsed<Cimd2Settings> {
  const parsed = Cimd2ConfigSchema.safeParse(config ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: problemsOfZod(parsed.error, 'config') };
}

/** Problems with a `cimd2` channel as it is saved: config, and the login password in secrets. */
export function validateCimd2Config(config: unknown, secrets: Record<string, string>): string[] {
  const parsed = parseCimd2Config(config);
  const password = secrets[SMSC_PASSWORD_SECRET];
  const tooLong = typeof password === 'string' && password.length > 32;
  return [
    ...(parsed.ok ? [] : parsed.problems),
    ...missingSecrets(secrets, [SMSC_PASSWORD_SECRET]),
    ...(tooLong ? [`secrets.${SMSC_PASSWORD_SECRET}: must be at most 32 characters`] : []),
  ];
}
