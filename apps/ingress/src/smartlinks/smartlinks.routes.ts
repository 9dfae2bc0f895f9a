import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { EXAMPLE, notFound } from '../api-common';
import { CreateSmartlink, UpdateSmartlink } from './smartlink.input';

export const SmartlinkView = z.object({
  linkid: z.string(),
  url: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const link = {
  linkid: '7',
  url: 'https://clinic.example.org/book',
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
};
const linkid = z.object({ linkid: z.string().describe('the link id given at creation') });
const missing = notFound('smartlink');
const tag = 'Smartlinks';

export const smartlinksRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/smartlinks',
    tag,
    summary: "Create a smartlink: the URL behind IMIconnect's `{{link_<linkid>}}`",
    description:
      'Each message sent with `{{link_<linkid>}}` gets its own short URL (`/l/<code>`) to this URL; its clicks are shown with the message.',
    auth: 'workspace',
    body: { schema: CreateSmartlink, example: { linkid: 7, url: link.url } },
    responses: {
      201: { description: 'created', schema: SmartlinkView, example: link },
      409: errorAnswer('the workspace has a smartlink with this id: PUT changes it'),
    },
  },
  {
    method: 'get',
    path: '/v1/smartlinks',
    tag,
    summary: "The workspace's smartlinks (at most 1,000)",
    auth: 'workspace',
    responses: {
      200: {
        description: 'the smartlinks',
        schema: z.object({ results: z.array(SmartlinkView) }),
        example: { results: [link] },
      },
    },
  },
  {
    method: 'get',
    path: '/v1/smartlinks/:linkid',
    tag,
    summary: 'One smartlink',
    auth: 'workspace',
    params: linkid,
    responses: { 200: { description: 'the smartlink', schema: SmartlinkView, example: link }, 404: missing },
  },
  {
    method: 'put',
    path: '/v1/smartlinks/:linkid',
    tag,
    summary: 'Change where a smartlink leads, links already sent included',
    auth: 'workspace',
    params: linkid,
    body: { schema: UpdateSmartlink, example: { url: 'https://clinic.example.org/book-now' } },
    responses: {
      200: {
        description: 'changed',
        schema: SmartlinkView,
        example: { ...link, url: 'https://clinic.example.org/book-now' },
      },
      404: missing,
    },
  },
  {
    method: 'delete',
    path: '/v1/smartlinks/:linkid',
    tag,
    summary: 'Delete a smartlink: the short links already sent stop working',
    auth: 'workspace',
    params: linkid,
    responses: { 204: { description: 'deleted' }, 404: missing },
  },
  {
    method: 'get',
    path: '/l',
    tag,
    summary: 'A short link without its code',
    auth: 'none',
    responses: { 404: { description: 'a line of text for the browser', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/l/:code',
    tag,
    summary: "A message's short link: redirects to its smartlink's URL",
    description:
      'Public. The click is recorded (time and user agent, never the IP address) without holding up the redirect.',
    auth: 'none',
    params: z.object({ code: z.string().describe("the code in the message's short URL") }),
    headers: z.object({
      'user-agent': z.string().optional().describe('kept with the click, at most 256 characters'),
    }),
    responses: {
      302: { description: 'to the URL (in `Location`), with a line of text', contentType: 'text/plain' },
      404: { description: 'no such link', contentType: 'text/plain' },
      410: { description: 'the link has expired', contentType: 'text/plain' },
    },
  },
];
