import { z } from 'zod';
import { Id, Timestamp } from './common';

/** An event a consumer gave up on, with why. Replayable to `sourceTopic` (value and headers kept). */
export const DeadLetterV1 = z.object({
  id: Id,
  group: z.string().min(1),
  sourceTopic: z.string().min(1),
  partition: z.int().min(0),
  offset: z.string().regex(/^\d+$/),
  key: z.string().optional(),
  /** The original bytes: UTF-8 text when they were, else base64. */
  value: z.string(),
  valueEncoding: z.enum(['utf8', 'base64']),
  headers: z.record(z.string(), z.string()),
  reason: z.string().min(1).max(2_000),
  attempts: z.int().min(1),
  failedAt: Timestamp,
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;
