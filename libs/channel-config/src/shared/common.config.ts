import type { EgressGuard } from '@smsgate/egress';
import { z } from 'zod';
import { problemsOfZod } from './config-problems';

/**
 * How long a message handed to the provider (`wired` or `sent`) waits for its final report before
 * dlr-tracker closes it as `unknown`, unless the channel sets `receipt_timeout_seconds`. Two days:
 * SMSCs keep retrying an absent handset for a day or more, and a receipt after that is rare.
 */
export const DEFAULT_RECEIPT_TIMEOUT_SECONDS = 48 * 3_600;
export const MAX_RECEIPT_TIMEOUT_SECONDS = 30 * 24 * 3_600;

/** Config keys any channel type may carry, read outside its adapter. */
export const CommonConfigSchema = z.object({
  /**
   * Parts per second the channel may send. The dispatcher paces by it and ignores anything but a
   * positive number, so a string such as "5" would silently mean "unlimited".
   */
  tps: z.number({ error: 'must be a number' }).positive('must be greater than 0').optional(),
  /** See DEFAULT_RECEIPT_TIMEOUT_SECONDS; 0 turns the timeout off (messages may then wait forever). */
  receipt_timeout_seconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be at least 0 (0: never time out)')
    .max(MAX_RECEIPT_TIMEOUT_SECONDS, `must be at most ${MAX_RECEIPT_TIMEOUT_SECONDS} (30 days)`)
    .optional(),
});

export type CommonConfig = z.output<typeof CommonConfigSchema>;
export const COMMON_CONFIG_KEYS = Object.keys(CommonConfigSchema.shape);

/** Problems with the common keys; a config that is not an object is left to the type's own check. */
export function commonConfigProblems(config: unknown): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  const parsed = CommonConfigSchema.safeParse(config);
  return parsed.success ? [] : problemsOfZod(parsed.error, 'config');
}

/** Problems with a channel's config and secrets as it is saved, each `<json path>: <why>`. */
export type ConfigValidator = (
  config: unknown,
  secrets: Record<string, string>,
  guard: EgressGuard,
) => string[];

/** A type's own checks followed by those of the common keys. */
export const withCommonKeys =
  (validate: ConfigValidator): ConfigValidator =>
  (config, secrets, guard) => [...validate(config, secrets, guard), ...commonConfigProblems(config)];

/**
 * The receipt timeout a channel's config gives, in seconds, or null when it is turned off. dlr-tracker's
 * sweep reads the same key in SQL (MessageSweepsRepository in libs/db): the two must agree.
 */
export function receiptTimeoutOf(config: unknown): number | null {
  const value =
    typeof config === 'object' && config !== null
      ? (config as { receipt_timeout_seconds?: unknown }).receipt_timeout_seconds
      : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    return DEFAULT_RECEIPT_TIMEOUT_SECONDS;
  return value === 0 ? null : value;
}
