import { Topics } from '@smsgate/contracts';
import { z } from 'zod';

const Time = z.iso.datetime({ offset: true }).describe('an ISO 8601 time');
const ReasonPattern = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (value) => {
      try {
        new RegExp(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a regular expression' },
  )
  .describe('a regular expression the reason must match');

const Filter = {
  topic: z.string().min(1).max(249).optional().describe('only letters from this source topic'),
  group: z.string().min(1).max(255).optional().describe('only letters of this consumer group'),
  reason: ReasonPattern.optional(),
  since: Time.optional().describe('only letters that failed at or after this time'),
  until: Time.optional().describe('only letters that failed before this time'),
};

export const BrowseDeadLettersQuery = z.strictObject({
  ...Filter,
  limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('at most this many (newest first)'),
});

export const ReplayDeadLettersBody = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(1_000).optional().describe('these dead letters'),
    ...Filter,
    limit: z.int().min(1).max(10_000).optional().describe('at most this many (the oldest first)'),
    dryRun: z.boolean().default(false).describe('list what would be replayed and publish nothing'),
  })
  .refine(
    (body) =>
      body.ids !== undefined ||
      [body.topic, body.group, body.reason, body.since, body.until].some((value) => value !== undefined),
    { message: `name the dead letters to replay: ids, or a filter (topic, group, reason, since, until)` },
  );

/** The topic letters are read from (for the documentation). */
export const deadLetterTopic = Topics.deadLetter;
