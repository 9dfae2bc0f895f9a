import { serviceApiDocument } from '@smsgate/runtime';
import { smppBindsRoutes } from '../../../apps/smpp-binds/src/binds/binds.routes';

/** The OpenAPI documents committed under docs/openapi/, one per service, from the routes the services serve. */
export function apiDocuments(): Record<string, Record<string, unknown>> {
  return { 'smpp-binds': serviceApiDocument('smpp-binds', smppBindsRoutes) };
}

export const renderApiDocument = (document: Record<string, unknown>): string =>
  `${JSON.stringify(document, null, 2)}\n`;
