import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE, notFound, pageOf } from '../api-common';
import { PageQuery } from '../paging';
import { CreateTemplate, ReplaceTemplate } from './template.input';

export const TemplateView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  body: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const template = {
  id: 'anc-reminder',
  name: 'Antenatal visit reminder',
  body: 'Hello $(first_name), your next visit at $(clinic) is on $(date).',
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
};
const id = z.object({
  id: z.string().describe('1 to 64 letters, digits, _ . : or -, starting with a letter or digit'),
});
const missing = notFound('template');
const badId = errorAnswer('not a template id, or the body is refused');
const tag = 'Templates';

export const templatesRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/templates',
    tag,
    summary: 'Create a template',
    description:
      "A body with `$(name)` placeholders, sent by id from POST /v1/messages (`template`) and the IMIconnect-compatible API (`message.template`). `id` is the client's (e.g. IMIconnect's `1`); without one smsgate picks a UUID.",
    auth: 'workspace',
    body: { schema: CreateTemplate, example: { id: template.id, name: template.name, body: template.body } },
    responses: {
      201: { description: 'created', schema: TemplateView, example: template },
      409: errorAnswer('the workspace has a template with this id: PUT replaces it'),
    },
  },
  {
    method: 'put',
    path: '/v1/templates/:id',
    tag,
    summary: 'Create or replace the template with this id',
    auth: 'workspace',
    params: id,
    body: { schema: ReplaceTemplate, example: { name: template.name, body: template.body } },
    responses: {
      200: { description: 'replaced', schema: TemplateView, example: template },
      201: { description: 'created', schema: TemplateView, example: template },
      400: badId,
    },
  },
  {
    method: 'get',
    path: '/v1/templates/:id',
    tag,
    summary: 'One template',
    auth: 'workspace',
    params: id,
    responses: {
      200: { description: 'the template', schema: TemplateView, example: template },
      400: badId,
      404: missing,
    },
  },
  {
    method: 'get',
    path: '/v1/templates',
    tag,
    summary: 'The templates, by id',
    auth: 'workspace',
    query: PageQuery,
    responses: {
      200: {
        description: 'a page',
        schema: pageOf(TemplateView),
        example: { results: [template], next: null },
      },
      400: errorAnswer('`limit` or `cursor` refused'),
    },
  },
  {
    method: 'delete',
    path: '/v1/templates/:id',
    tag,
    summary: 'Delete a template',
    auth: 'workspace',
    params: id,
    responses: { 204: { description: 'deleted' }, 400: badId, 404: missing },
  },
];
