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
 * A `ucp` channel's config (CMG/LogicaCMG EMI-UCP 4.x) as smpp-binds reads it; a key outside it is
 * refused at save. The login is operation 60 with the account's address (`username`, digits, as EMI's
 * OAdC) and the password secret.
 */
export const UcpConfigSchema = CommonConfigSchema.extend({
  ...smscConnectionShape(100),
  /** The account's address for operation 60 (OAdC): digits, at most 16. */
  username: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^\d{1,16}$/, 'must be 1 to 16 digits (the account address EMI logs in with)'),
  /** Operation 31 (alert) every this many seconds keeps an idle connection open; 0: never. */
  keepalive_seconds: wholeNumber(0, 3_600).default(60),
  /**
   * Which delivery notifications to ask for (EMI's NT, a sum): 1 delivered, 2 not delivered, 4
   * buffered. Default 3: the final ones.
   */
  notification_types: wholeNumber(1, 7).default(3),
}).refine(reconnectOrder.check, reconnectOrder.issue);

export type UcpSettings = z.output<typeof UcpConfigSchema>;

export const UCP_CONFIG_KEYS = Object.keys(UcpConfigSchema.shape).filter(
  (key) => !Object.hasOwn(CommonConfigSchema.shape, key),
);

export function parseUcpConfig(config: unknown): Parsed<UcpSettings> {
  const parsed = UcpConfigSchema.safeParse(config ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: problemsOfZod(parsed.error, 'config') };
}

/** Problems with a `ucp` channel as it is saved: config, and the login password in secrets. */
export function validateUcpConfig(config: unknown, secrets: Record<string, string>): string[] {
  const parsed = parseUcpConfig(config);
  const password = secrets[SMSC_PASSWORD_SECRET];
  const tooLong = typeof password === 'string' && password.length > 64;
  return [
    ...(parsed.ok ? [] : parsed.problems),
    ...missingSecrets(secrets, [SMSC_PASSWORD_SECRET]),
    ...(tooLong ? [`secrets.${SMSC_PASSWORD_SECRET}: must be at most 64 characters`] : []),
  ];
}
