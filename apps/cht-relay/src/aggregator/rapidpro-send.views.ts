import { z } from 'zod';
import type { OutboundRow } from '../outbound/outbound-messages';
import { toRapidProStatus } from '../outbound/statuses';

export const SendAnswer = z.object({
  id: z.string().describe("smsgate's message id"),
  status: z.enum(['queued', 'wired', 'sent', 'delivered', 'errored', 'failed']),
  reason: z.string().optional(),
});

/** A send's answer: the message smsgate sends, with its status in RapidPro's names. */
export const sendView = (row: OutboundRow): z.output<typeof SendAnswer> => ({
  id: row.message_id,
  status: toRapidProStatus(row.status),
  reason: row.status_reason ?? undefined,
});
