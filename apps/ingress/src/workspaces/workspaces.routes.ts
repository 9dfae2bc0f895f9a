import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { Timestamp, uuidParam } from '../api-common';
import { CreateWorkspace } from './workspace.input';

export const WorkspaceCreated = z.object({
  id: z.uuid(),
  name: z.string(),
  apiKey: z.string().describe('shown in this answer only: smsgate keeps its hash'),
  signingSecret: z.string().describe('signs status callbacks; shown in this answer only'),
  createdAt: Timestamp,
});
export const WorkspaceList = z.object({
  results: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      apiKeyPrefix: z.string().describe("the key's first characters, to tell keys apart (never the key)"),
      createdAt: Timestamp,
    }),
  ),
});
export const ApiKeyRotated = z.object({ id: z.uuid(), apiKey: z.string() });
export const SigningSecretRotated = z.object({ id: z.uuid(), signingSecret: z.string() });

const workspaceId = uuidParam('id', "the workspace's id");
const missing = errorAnswer('no workspace with this id');

export const workspacesRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/workspaces',
    tag: 'Workspaces',
    summary: 'Every workspace, oldest first',
    description: 'Its id, name, when it was created and the start of its API key; never a key or a secret.',
    auth: 'admin',
    responses: {
      200: {
        description: 'the workspaces',
        schema: WorkspaceList,
        example: {
          results: [
            {
              id: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c',
              name: 'Maternal health, Kenya',
              apiKeyPrefix: 'sg_Xk2p9Qa',
              createdAt: '2026-12-05T09:00:00.000Z',
            },
          ],
        },
      },
    },
  },
  {
    method: 'post',
    path: '/v1/workspaces',
    tag: 'Workspaces',
    summary: 'Create a workspace, with its API key and callback signing secret',
    description:
      'The key and the secret are in this answer only: the key is kept as a hash, the secret encrypted.',
    auth: 'admin',
    body: { schema: CreateWorkspace, example: { name: 'Maternal health, Kenya' } },
    responses: { 201: { description: 'created', schema: WorkspaceCreated } },
  },
  {
    method: 'post',
    path: '/v1/workspaces/:id/api-key',
    tag: 'Workspaces',
    summary: "Replace the workspace's API key",
    description:
      'The new key works at once; the old one stops within the 30 s services cache a key (docs/operations.md).',
    auth: 'admin',
    params: workspaceId,
    responses: {
      201: { description: 'the new key, in this answer only', schema: ApiKeyRotated },
      404: missing,
    },
  },
  {
    method: 'post',
    path: '/v1/workspaces/:id/signing-secret',
    tag: 'Workspaces',
    summary: 'Replace the secret that signs status callbacks',
    auth: 'admin',
    params: workspaceId,
    responses: {
      201: { description: 'the new secret, in this answer only', schema: SigningSecretRotated },
      404: missing,
    },
  },
];
