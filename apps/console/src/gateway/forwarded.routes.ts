/** The services the console passes requests on to. */
export type Upstream = 'ingress' | 'dlr-tracker';

export interface ForwardedRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify's path syntax (`:id`). */
  path: string;
  to: Upstream;
}

/**
 * The routes of the other services that the console and the `smsgate` CLI use, served here under the same
 * path so one base URL is enough: the request goes on unchanged (method, path, query, body, Authorization,
 * X-Smsgate-Workspace, Idempotency-Key) and its answer comes back unchanged. The service that owns a route
 * authenticates and validates it; the console reads and keeps nothing of it. Only these: the console is
 * not a general proxy.
 */
export const forwardedRoutes: readonly ForwardedRoute[] = [
  { method: 'POST', path: '/v1/messages', to: 'ingress' },
  { method: 'GET', path: '/v1/messages', to: 'dlr-tracker' },
  { method: 'GET', path: '/v1/messages/:id', to: 'dlr-tracker' },
  { method: 'GET', path: '/v1/stats', to: 'dlr-tracker' },
  { method: 'GET', path: '/v1/stats/traffic', to: 'dlr-tracker' },
  { method: 'GET', path: '/v1/channels', to: 'ingress' },
  { method: 'GET', path: '/v1/channels/:uuid', to: 'ingress' },
  { method: 'PATCH', path: '/v1/channels/:uuid', to: 'ingress' },
  { method: 'GET', path: '/v1/channels/:uuid/opt-outs', to: 'ingress' },
  { method: 'GET', path: '/v1/routes', to: 'ingress' },
  { method: 'GET', path: '/v1/workspaces', to: 'ingress' },
  { method: 'POST', path: '/v1/workspaces', to: 'ingress' },
  { method: 'POST', path: '/v1/workspaces/:id/api-key', to: 'ingress' },
];
