import { errorAnswer, type ApiRoute } from '@smsgate/runtime';
import { z } from 'zod';
import { pageOf, EXAMPLE } from '../api-common';
import { PageQuery } from '../paging';
import { PatchProfile, ReplaceProfile } from './profile.input';

export const ProfileView = z.object({
  msisdn: z.string().describe('E.164'),
  fields: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const msisdn = z.object({
  msisdn: z.string().describe('the number, normalised to E.164 as the send path does (no default country)'),
});
const profile = {
  msisdn: '+254711222333',
  fields: { first_name: 'Amina', clinic: 'Kisumu East' },
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.later,
};
const notFound = errorAnswer('the number has no profile');
const badNumber = errorAnswer('the number is not a phone number, or the body is refused');
const tag = 'Profiles';

export const profilesRoutes: ApiRoute[] = [
  {
    method: 'put',
    path: '/v1/profiles/:msisdn',
    tag,
    summary: "Create or replace a number's profile",
    description:
      "A profile holds named string fields that fill the `$(name)` placeholders a send leaves open for that destination (IMIconnect's profile variables).",
    auth: 'workspace',
    params: msisdn,
    body: { schema: ReplaceProfile, example: { fields: profile.fields } },
    responses: {
      200: { description: 'replaced', schema: ProfileView, example: profile },
      201: { description: 'created', schema: ProfileView, example: profile },
      400: badNumber,
    },
  },
  {
    method: 'patch',
    path: '/v1/profiles/:msisdn',
    tag,
    summary: 'Set some fields (a null value removes that field), keep the others',
    auth: 'workspace',
    params: msisdn,
    body: { schema: PatchProfile, example: { fields: { clinic: 'Kisumu West', first_name: null } } },
    responses: {
      200: { description: 'the profile as changed', schema: ProfileView, example: profile },
      400: badNumber,
      404: notFound,
      422: errorAnswer('the profile would have more fields than a profile may hold'),
    },
  },
  {
    method: 'get',
    path: '/v1/profiles/:msisdn',
    tag,
    summary: "A number's profile",
    auth: 'workspace',
    params: msisdn,
    responses: {
      200: { description: 'the profile', schema: ProfileView, example: profile },
      400: badNumber,
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/v1/profiles',
    tag,
    summary: 'The profiles, by number',
    auth: 'workspace',
    query: PageQuery,
    responses: {
      200: {
        description: 'a page',
        schema: pageOf(ProfileView),
        example: { results: [profile], next: null },
      },
      400: errorAnswer('`limit` or `cursor` refused'),
    },
  },
  {
    method: 'delete',
    path: '/v1/profiles/:msisdn',
    tag,
    summary: "Delete a number's profile",
    auth: 'workspace',
    params: msisdn,
    responses: { 204: { description: 'deleted' }, 400: badNumber, 404: notFound },
  },
];
