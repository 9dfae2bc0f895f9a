import { z } from 'zod';

/**
 * One connection of an SMSC channel (an SMPP bind, a UCP or CIMD2 connection) as operators see it: what
 * smpp-binds' `GET /v1/binds` answers, what each replica reports to `smsc_bind_reports`, and what the
 * console shows for every replica at once.
 */
export const BindView = z.object({
  id: z.string(),
  mode: z.enum(['transceiver', 'transmitter', 'receiver']),
  state: z.enum(['connecting', 'bound', 'waiting', 'bind_failed', 'stopped']),
  window: z.number(),
  outstanding: z.number().describe('submits awaiting their response: the window in use'),
  submitted: z.number(),
  submitRate: z.number().describe('submit_sm per second over the last 10 seconds'),
  throttled: z.number(),
  boundAt: z.string().optional(),
  lastError: z.string().optional(),
  reconnects: z.number(),
});

/** An SMSC channel held by a replica, with its connections. */
export const ChannelBindsView = z.object({
  channel: z.string(),
  workspace: z.string(),
  name: z.string(),
  type: z.enum(['smpp', 'ucp', 'cimd2']).describe("the channel's SMSC protocol"),
  state: z.enum(['bound', 'connecting', 'bind_failed', 'stopped']),
  status: z
    .object({ code: z.number(), name: z.string() })
    .optional()
    .describe("the SMSC's answer to a rejected bind or login"),
  binds: z.array(BindView),
});
export type ChannelBindsView = z.infer<typeof ChannelBindsView>;
