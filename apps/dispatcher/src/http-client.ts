import { NodeHttpClient } from '@smsgate/egress';
import type { DispatcherConfig } from './config';

/** The client every send goes out through: the egress guard with the operator's allow-list. */
export const dispatcherHttpClient = (config: Pick<DispatcherConfig, 'EGRESS_ALLOW'>): NodeHttpClient =>
  new NodeHttpClient({ egress: { allowHosts: config.EGRESS_ALLOW } });
