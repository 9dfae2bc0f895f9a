import { BadRequestException } from '@nestjs/common';
import { describeIssues } from '@smsgate/contracts';
import { z } from 'zod';

/** Validates a request body; a failure is a 400 naming the fields. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequestException(describeIssues(result.error));
  return result.data;
}
