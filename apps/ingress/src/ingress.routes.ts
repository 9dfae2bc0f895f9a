import type { ApiRoute } from '@smsgate/runtime';
import { channelsRoutes } from './channels/channels.routes';
import { inboundRoutes } from './inbound/inbound.routes';
import { profilesRoutes } from './profiles/profiles.routes';
import { routesRoutes } from './routes/routes.routes';
import { sendRoutes } from './send/send.routes';
import { smartlinksRoutes } from './smartlinks/smartlinks.routes';
import { smppAccountsRoutes } from './smpp-accounts/smpp-accounts.routes';
import { templatesRoutes } from './templates/templates.routes';
import { workspacesRoutes } from './workspaces/workspaces.routes';

/** Every HTTP route ingress serves, as its OpenAPI document describes it (docs/openapi/ingress.json). */
export const ingressRoutes: ApiRoute[] = [
  ...sendRoutes,
  ...inboundRoutes,
  ...channelsRoutes,
  ...routesRoutes,
  ...templatesRoutes,
  ...profilesRoutes,
  ...smartlinksRoutes,
  ...smppAccountsRoutes,
  ...workspacesRoutes,
];
