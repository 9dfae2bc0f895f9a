import { describeIssues, Direction, MessageStatus, Timestamp } from '@smsgate/contracts';
import { z } from 'zod';

const Cursor = z
  .string()
  .max(64)
  .transform((value, context) => {
    const id = Buffer.from(value, 'base64url').toString('utf8');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
      context.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return z.NEVER;
    }
    return id;
  });

export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** GET /v1/messages query: every filter optional, validated; unknown parameters are refused. */
export const ListMessagesQuery = z
  .strictObject({
    status: MessageStatus.optional().describe('only messages in this status'),
    correlationId: z.string().min(1).max(128).optional().describe('only messages with this correlationId'),
    to: z.string().min(1).max(32).optional().describe('only messages to this address'),
    channel: z.uuid().optional().describe('only messages of this channel'),
    since: Timestamp.optional().describe('only messages created at or after this time'),
    until: Timestamp.optional().describe('only messages created before this time'),
    direction: Direction.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('messages per page'),
    cursor: Cursor.optional().describe("the previous page's `next`, the other parameters unchanged"),
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) <= Date.parse(q.until), {
    message: 'since must not be after until',
    path: ['since'],
  });
export type ListMessagesQuery = z.output<typeof ListMessagesQuery>;

/** GET /v1/stats query: the window of creation times counted. */
export const StatsQuery = z.strictObject({
  since: Timestamp.optional().describe('default: 24 hours ago'),
  until: Timestamp.optional().describe('default: no end'),
});

/** GET /v1/stats/traffic query: the window shown. */
export const TrafficQuery = z.strictObject({
  window: z
    .enum(['1h', '24h'])
    .default('1h')
    .describe('the last hour (1-minute buckets) or day (10-minute buckets)'),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(query ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, reason: describeIssues(result.error) };
}
