import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE, notFound, uuidParam } from '../api-common';
import { CreateRoute } from './route.input';

export const RouteView = z.object({
  id: z.uuid(),
  prefix: z.string().nullable(),
  country: z.string().nullable(),
  channels: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
});

const route = {
  id: EXAMPLE.route,
  prefix: '+2547',
  country: null,
  channels: [EXAMPLE.channel, EXAMPLE.otherChannel],
  createdAt: EXAMPLE.at,
};
const tag = 'Routes';

export const routesRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/routes',
    tag,
    summary: 'Add a routing rule for messages sent without a channel',
    description:
      "By destination prefix (longest first), else by the destination's country, else the workspace's default rule (neither prefix nor country). Each rule lists channels in failover order.",
    auth: 'workspace',
    body: {
      schema: CreateRoute,
      example: { prefix: '+2547', channels: [EXAMPLE.channel, EXAMPLE.otherChannel] },
    },
    responses: {
      201: { description: 'added', schema: RouteView, example: route },
      400: errorAnswer("refused, or a channel that is not the workspace's: `message` says which"),
    },
  },
  {
    method: 'get',
    path: '/v1/routes',
    tag,
    summary: "The workspace's routing rules",
    auth: 'workspace',
    responses: {
      200: {
        description: 'every rule',
        schema: z.object({ results: z.array(RouteView) }),
        example: { results: [route] },
      },
    },
  },
  {
    method: 'delete',
    path: '/v1/routes/:id',
    tag,
    summary: 'Remove a routing rule',
    auth: 'workspace',
    params: uuidParam('id', "the rule's id"),
    responses: { 204: { description: 'removed' }, 404: notFound('rule') },
  },
];
