import type { FastifyRequest } from 'fastify';

export const rapidProError = (reason: string) => ({
  message: 'Error',
  data: [{ type: 'error', error: reason }],
});

/** Errors on RapidPro-compatible routes keep RapidPro's body shape, so aggregators parse them unchanged. */
export const rapidProErrorBody = (request: FastifyRequest, _status: number, reason: string) =>
  request.url.startsWith('/c/') ? rapidProError(reason) : undefined;
