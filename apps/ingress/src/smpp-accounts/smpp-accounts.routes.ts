import { SMPP_BIND_MODES } from '@smsgate/db';
import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE, notFound, Timestamp, uuidParam } from '../api-common';
import { CreateSmppAccount, UpdateSmppAccount } from './smpp-account.input';

export const SmppAccountView = z.object({
  id: z.uuid(),
  systemId: z.string(),
  bindModes: z.array(z.enum(SMPP_BIND_MODES)),
  maxBinds: z.number().int(),
  allowedSources: z.array(z.string()).describe('empty: any'),
  tps: z.number().nullable().describe('null: no limit'),
  channel: z.uuid().nullable().describe("null: the workspace's routes pick the channel"),
  inboundAddresses: z
    .array(z.string())
    .describe('destination numbers or short codes whose inbound messages the account receives'),
  inboundChannels: z.array(z.uuid()).describe('channels all of whose inbound messages the account receives'),
  enabled: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Password = z
  .string()
  .describe('8 characters for bind_*’s password; shown in this answer only: smsgate keeps a hash');

export const SmppAccountCreated = SmppAccountView.extend({ password: Password });
export const SmppPasswordRotated = z.object({ id: z.uuid(), systemId: z.string(), password: Password });

const account = {
  id: '0193a7c6-2e63-7a66-b18c-7b9cbd345e67',
  systemId: 'clinic-app',
  bindModes: ['transmitter', 'receiver', 'transceiver'],
  maxBinds: 2,
  allowedSources: ['MOH-KENYA', '+254700100200'],
  tps: 50,
  channel: EXAMPLE.channel,
  inboundAddresses: ['22141'],
  inboundChannels: [],
  enabled: true,
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
};

const accountId = uuidParam('id', "the account's id");
const missing = notFound('SMPP account');
const taken = errorAnswer('another account, of this or another workspace, has this systemId');
const refused = errorAnswer(
  "the body is refused, or names a channel that is not the workspace's: `message` says which",
);
const tag = 'SMPP accounts';

export const smppAccountsRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/smpp-accounts',
    tag,
    summary: "Create an SMPP account: an ESME's system_id and password for binding to smsgate",
    description:
      "smsgate picks the password (8 characters from letters and digits without look-alikes) and shows it in this answer only: it keeps a scrypt hash. `systemId` is unique across smsgate, since a bind names no workspace. Unless given, an account may open every bind mode, 2 binds at once, from any source address, with no throughput limit, its messages routed by the workspace's routes, receiving no inbound messages. `inboundAddresses` and `inboundChannels` route the workspace's inbound messages (MOs) to the account as deliver_sm on its receiver binds; when several accounts claim one address or channel, each receives the message.",
    auth: 'workspace',
    body: {
      schema: CreateSmppAccount,
      example: {
        systemId: account.systemId,
        maxBinds: 2,
        allowedSources: account.allowedSources,
        tps: 50,
        channel: EXAMPLE.channel,
      },
    },
    responses: {
      // No example: the document shows no secret-looking value.
      201: { description: 'created', schema: SmppAccountCreated },
      400: refused,
      409: taken,
    },
  },
  {
    method: 'get',
    path: '/v1/smpp-accounts',
    tag,
    summary: "The workspace's SMPP accounts",
    auth: 'workspace',
    responses: {
      200: {
        description: 'every account, oldest first',
        schema: z.object({ results: z.array(SmppAccountView) }),
        example: { results: [account] },
      },
    },
  },
  {
    method: 'get',
    path: '/v1/smpp-accounts/:id',
    tag,
    summary: 'One SMPP account',
    auth: 'workspace',
    params: accountId,
    responses: {
      200: { description: 'the account', schema: SmppAccountView, example: account },
      404: missing,
    },
  },
  {
    method: 'patch',
    path: '/v1/smpp-accounts/:id',
    tag,
    summary: 'Change an SMPP account',
    description:
      'Every field is optional; `tps` and `channel` given as null are cleared. The password is not changed here: POST /v1/smpp-accounts/{id}/password replaces it.',
    auth: 'workspace',
    params: accountId,
    body: { schema: UpdateSmppAccount, example: { tps: 20, enabled: false } },
    responses: {
      200: {
        description: 'the account as changed',
        schema: SmppAccountView,
        example: { ...account, tps: 20, enabled: false },
      },
      400: refused,
      404: missing,
      409: taken,
    },
  },
  {
    method: 'delete',
    path: '/v1/smpp-accounts/:id',
    tag,
    summary: 'Delete an SMPP account',
    auth: 'workspace',
    params: accountId,
    responses: { 204: { description: 'deleted' }, 404: missing },
  },
  {
    method: 'post',
    path: '/v1/smpp-accounts/:id/password',
    tag,
    summary: "Replace an SMPP account's password",
    description:
      'smsgate picks the new password and shows it in this answer only; new binds need the new one.',
    auth: 'workspace',
    params: accountId,
    responses: {
      201: { description: 'the new password, in this answer only', schema: SmppPasswordRotated },
      404: missing,
    },
  },
];
