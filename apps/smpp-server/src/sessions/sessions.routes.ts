import { ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';

export const SessionsAnswer = z.object({
  sessions: z.array(
    z.object({
      id: z.string().describe("the session's id (in the service's logs)"),
      account: z.string().describe("the account's system_id"),
      accountId: z.uuid(),
      mode: z.enum(['transmitter', 'receiver', 'transceiver']),
      remoteAddress: z.string(),
      boundAt: z.iso.datetime(),
      submitsInFlight: z.number().int().describe('submits being accepted (at most the window)'),
      window: z.number().int(),
      deliverCapacity: z.number().int().describe('deliver_sm slots free now (0 on a transmitter bind)'),
    }),
  ),
});

/** smpp-server's own HTTP routes, as its OpenAPI document describes them. */
export const smppServerRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/smpp-server/sessions',
    summary: 'The ESME binds this replica holds',
    description:
      'Per bound session: its account, bind mode, remote address, since when, and how much of its windows is in use. Never a password.',
    auth: 'admin',
    responses: {
      200: {
        description: "this replica's bound sessions",
        schema: SessionsAnswer,
        example: {
          sessions: [
            {
              id: '7d9f2c1a-3b4e-4f5a-8c6d-1e2f3a4b5c6d',
              account: 'acme-esme',
              accountId: '0b7c1f0e-8d2a-4c55-9d1e-3f6a2b9c8e41',
              mode: 'transceiver',
              remoteAddress: '203.0.113.7',
              boundAt: '2026-12-05T00:00:00.000Z',
              submitsInFlight: 3,
              window: 100,
              deliverCapacity: 10,
            },
          ],
        },
      },
    },
  },
];
