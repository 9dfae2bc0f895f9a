import { ChannelBindsView } from '@smsgate/contracts';
import { ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';

const bindsAnswer = z.object({
  partitions: z.array(z.number()),
  channels: z.array(ChannelBindsView),
});

/** smpp-binds' own HTTP routes, as its OpenAPI document describes them. */
export const smppBindsRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/binds',
    summary: 'The binds this replica holds: state, window in use, rates, last error',
    auth: 'admin',
    responses: {
      200: {
        description:
          'the owned partitions and, per owned SMSC channel (SMPP, UCP/EMI or CIMD2), its binds or connections',
        schema: bindsAnswer,
        example: {
          partitions: [0, 3],
          channels: [
            {
              channel: '0b7c1f0e-8d2a-4c55-9d1e-3f6a2b9c8e41',
              workspace: '5d0e2a4b-1c3f-4e6a-8b9d-7f1e2c3a4b5d',
              name: 'smsc-a',
              type: 'smpp',
              state: 'bound',
              binds: [
                {
                  id: 'smsc-a#1',
                  mode: 'transceiver',
                  state: 'bound',
                  window: 10,
                  outstanding: 0,
                  submitted: 42,
                  submitRate: 1.5,
                  throttled: 0,
                  boundAt: '2026-01-01T00:00:00.000Z',
                  reconnects: 0,
                },
              ],
            },
          ],
        },
      },
      401: { description: 'no or a wrong admin token' },
    },
  },
];
