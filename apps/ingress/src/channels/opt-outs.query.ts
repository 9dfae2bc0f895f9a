import type { OptOutPosition } from '@smsgate/db';
import { z } from 'zod';

// `<stop time to the microsecond, UTC ISO> <number>`, base64url: where the previous page ended.
const AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

export const encodeOptOutCursor = (position: OptOutPosition): string =>
  Buffer.from(`${position.at} ${position.address}`, 'utf8').toString('base64url');

const Cursor = z
  .string()
  .min(1)
  .max(512)
  .transform((value, context): OptOutPosition => {
    const text = Buffer.from(value, 'base64url').toString('utf8');
    const space = text.indexOf(' ');
    const position = { at: text.slice(0, space), address: text.slice(space + 1) };
    if (space < 0 || !AT.test(position.at) || position.address.length === 0) {
      context.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return z.NEVER;
    }
    return position;
  });

/** GET /v1/channels/:uuid/opt-outs: `limit` (1–200, default 50) and `cursor` (the previous page's `next`). */
export const OptOutsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.optional().describe("the previous page's `next`"),
});
