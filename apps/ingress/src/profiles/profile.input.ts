import { BadRequestException } from '@nestjs/common';
import { normalizePhone } from '@smsgate/sms';
import { z } from 'zod';
import { VARIABLE_NAME } from '../send/placeholders';

export const MAX_PROFILE_FIELDS = 100;
export const MAX_FIELD_VALUE = 1_000;

const FieldName = z
  .string()
  .max(64)
  .regex(VARIABLE_NAME, 'must be a variable name: a letter or _, then letters, digits, _ . or -');
const atMostFields = (fields: Record<string, unknown>) => Object.keys(fields).length <= MAX_PROFILE_FIELDS;
const tooMany = `at most ${MAX_PROFILE_FIELDS} fields`;

/** PUT: the profile's fields, replacing any it had. */
export const ReplaceProfile = z
  .object({ fields: z.record(FieldName, z.string().max(MAX_FIELD_VALUE)).refine(atMostFields, tooMany) })
  .strict();

/** PATCH: fields to set, and (as null) to remove; the others stay. */
export const PatchProfile = z
  .object({
    fields: z
      .record(FieldName, z.string().max(MAX_FIELD_VALUE).nullable())
      .refine((fields) => Object.keys(fields).length > 0, 'name at least one field')
      .refine(atMostFields, tooMany),
  })
  .strict();

/** A profile's key: the number as the send path normalises it (E.164; no default country). */
export function profileNumber(raw: string): string {
  const phone = raw.length <= 32 ? normalizePhone(raw) : { ok: false as const, reason: 'is too long' };
  if (!phone.ok) throw new BadRequestException(`msisdn ${raw.slice(0, 32)}: ${phone.reason}`);
  return phone.e164;
}
