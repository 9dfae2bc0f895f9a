import { z } from 'zod';

/** RapidPro's error answer on /api/v2/. */
export const DetailAnswer = z.object({ detail: z.string() });

/** RapidPro's 400 for a body it refuses: each field's problems (`non_field_errors` for the body's). */
export const FieldErrorsAnswer = z.record(z.string(), z.array(z.string()));

export const errorExample = (statusCode: number, error: string, message: string) => ({
  statusCode,
  message,
  error,
});
