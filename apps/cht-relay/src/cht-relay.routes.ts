import { ApiRoute } from '@smsgate/runtime';
import { rapidProSendRoutes } from './aggregator/rapidpro-send.routes';
import { rapidProApiRoutes } from './rapidpro-api/rapidpro-api.routes';
import { settingsRoutes } from './settings/settings.routes';

/** cht-relay's own HTTP routes, as its OpenAPI document describes them. */
export const chtRelayRoutes: ApiRoute[] = [...settingsRoutes, ...rapidProApiRoutes, ...rapidProSendRoutes];
