import { ChannelType } from '@smsgate/contracts';
import { isKnownCountry } from '@smsgate/sms';
import { z } from 'zod';

/** Config keys that look like credentials must go to `secrets`, which is encrypted and never returned. */
const SECRET_LOOKING_KEY = /pass|secret|token|api_?key|authori[sz]ation|credential/i;

const Config = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((config) => !Object.keys(config).some((key) => SECRET_LOOKING_KEY.test(key)), {
    message: 'looks like it holds a secret: put credentials in `secrets`',
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
