import { z } from 'zod';
import { problemsOfZod } from './config-problems';

/** Config keys any channel type may carry, read outside its adapter. */
export const CommonConfigSchema = z.object({
  /**
   * Parts per second the channel may send. The dispatcher paces by it and ignores anything but a
   * positive number, so a string such as "5" would silently mean "unlimited".
   */
  tps: z.number({ error: 'must be a number' }).positive('must be greater than 0').optional(),
});

export type CommonConfig = z.output<typeof CommonConfigSchema>;

/** Problems with the common keys; a config that is not an object is left to the type's own check. */
export function commonConfigProblems(config: unknown): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  const parsed = CommonConfigSchema.safeParse(config);
  return parsed.success ? [] : problemsOfZod(parsed.error, 'config');
}
