import { isKnownCountry } from '@smsgate/sms';
import { z } from 'zod';

export const CreateRoute = z
  .object({
    /** E.164 prefix: `+2547` matches Safaricom-style ranges; the longest match wins. */
    prefix: z
      .string()
      .regex(/^\+[0-9]{1,15}$/, 'must be + and digits, e.g. +2547')
      .optional()
      .describe('E.164 prefix, e.g. +2547; the longest match wins'),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 alpha-2 code')
      .transform((code) => code.toUpperCase())
      .refine(isKnownCountry, 'is not a known country')
      .optional()
      .describe("the destination's country, ISO 3166 alpha-2"),
    channels: z.array(z.uuid()).min(1).max(10).describe('in failover order'),
  })
  .strict()
  .refine((route) => !(route.prefix && route.country), { message: 'give a prefix or a country, not both' });
