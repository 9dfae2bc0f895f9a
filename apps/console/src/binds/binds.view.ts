import { ChannelBindsView } from '@smsgate/contracts';
import { z } from 'zod';

export const BindsOfAllReplicas = z.object({
  replicas: z.array(
    z.object({
      replica: z.string().describe('the smpp-binds replica (host, process)'),
      partitions: z.array(z.number().int()).describe('its partitions of sms.outbound.smpp.v1'),
      updatedAt: z.string().describe('when it last reported'),
    }),
  ),
  channels: z.array(
    ChannelBindsView.extend({ replica: z.string().describe('the replica holding its connections') }),
  ),
});
