import { z } from 'zod';

/** `limit` (1–200, default 50) and `cursor` (the `next` of the previous page). */
export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(64).optional(),
  })
  .strict();

/**
 * A page from `limit + 1` rows read after the cursor: the first `limit`, and `next` (the last one's key)
 * when there are more, else null.
 */
export function pageOf<Row, View>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => string,
  view: (row: Row) => View,
): { results: View[]; next: string | null } {
  const page = rows.slice(0, limit);
  return { results: page.map(view), next: rows.length > limit ? keyOf(page[page.length - 1]) : null };
}
