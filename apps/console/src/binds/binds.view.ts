import { z } from 'zod';

const Bind = z.object({
  id: z.string(),
  mode: z.enum(['transceiver', 'transmitter', 'receiver']),
  state: z.enum(['connecting', 'bound', 'waiting', 'bind_failed', 'stopped']),
  window: z.number(),
  outstanding: z.number().describe('submits awaiting their response: the window in use'),
  submitted: z.number(),
  submitRate: z.number().describe('submits per second over the last 10 seconds'),
  throttled: z.number(),
  boundAt: z.string().optional(),
  lastError: z.string().optional(),
  reconnects: z.number(),
});

export const BindsOfAllReplicas = z.object({
  replicas: z.array(
    z.object({
      replica: z.string().describe('the smpp-binds replica (host and process)'),
      partitions: z.array(z.number().int()).describe('its partitions of sms.outbound.smpp.v1'),
      updatedAt: z.string().describe('when it last reported'),
    }),
  ),
  channels: z.array(
    z.object({
      channel: z.uuid(),
      workspace: z.uuid(),
      name: z.string(),
      type: z.enum(['smpp', 'ucp', 'cimd2']),
      state: z.enum(['bound', 'connecting', 'bind_failed', 'stopped']),
      status: z.object({ code: z.number(), name: z.string() }).optional().describe("the SMSC's refusal"),
      replica: z.string().describe('the replica holding its connections'),
      binds: z.array(Bind),
    }),
  ),
});
