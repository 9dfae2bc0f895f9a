import type { FastifyRequest } from 'fastify';

const asFields = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Query string and body fields together (body wins), whatever the body's encoding. */
export const requestFields = (request: FastifyRequest): Record<string, unknown> => ({
  ...asFields(request.query),
  ...asFields(request.body),
});
