import { ChannelType } from '@smsgate/contracts';
import { isKnownCountry } from '@smsgate/sms';
import { z } from 'zod';

/** Config keys that look like credentials must go to `secrets`, which is encrypted and never returned. */
const SECRET_WORDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'authoriz',
  'authoris',
  'credential',
  'bearer',
];
const SECRET_NAMES = new Set(['pass', 'pwd', 'auth', 'key']);

export function looksSecret(key: string): boolean {
  const compact = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAMES.has(compact) || SECRET_WORDS.some((word) => compact.includes(word));
}

/**
 * `auth: { type: 'bearer' }` (a template channel's) says which credentials to use, and holds none:
 * they go in `secrets`.
 */
const namesAuthType = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(([key, nested]) => key === 'type' && typeof nested === 'string');

/** Paths of keys anywhere in `value` (nested objects and arrays too) that look like secrets. */
function secretPaths(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => secretPaths(item, [...path, String(index)]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, nested]) => [
    ...(looksSecret(key) && !namesAuthType(nested) ? [[...path, key].join('.')] : []),
    ...secretPaths(nested, [...path, key]),
  ]);
}

const Config = z.record(z.string().min(1).max(64), z.unknown()).superRefine((config, context) => {
  for (const path of secretPaths(config)) {
    context.addIssue({
      code: 'custom',
      message: `${path} looks like it holds a secret: put credentials in \`secrets\``,
    });
  }
});

const Country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 alpha-2 code')
  .transform((code) => code.toUpperCase())
  .refine(isKnownCountry, 'is not a known country');

const Secrets = z.record(z.string().min(1).max(64), z.string().max(4_096));

export const CreateChannel = z
  .object({
    type: ChannelType,
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(32).optional(),
    country: Country.optional(),
    config: Config.default({}),
    secrets: Secrets.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

/** PATCH: every field optional; `secrets` merges, a `null` secret value removes that secret. */
export const UpdateChannel = z
  .object({
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(32).nullable(),
    country: Country.nullable(),
    config: Config,
    secrets: z.record(z.string().min(1).max(64), z.string().max(4_096).nullable()),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type CreateChannel = z.output<typeof CreateChannel>;
export type UpdateChannel = z.output<typeof UpdateChannel>;
