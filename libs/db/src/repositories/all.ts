import { WorkspacesRepository } from './workspaces.repository';
import { ChannelsRepository } from './channels.repository';
import { RoutesRepository } from './routes.repository';
import { SendRequestsRepository } from './send-requests.repository';
import { InboundDedupRepository } from './inbound-dedup.repository';
import { DispatchAttemptsRepository } from './dispatch-attempts.repository';
import { OptOutsRepository } from './opt-outs.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [
  WorkspacesRepository,
  ChannelsRepository,
  RoutesRepository,
  SendRequestsRepository,
  InboundDedupRepository,
  DispatchAttemptsRepository,
  OptOutsRepository,
];
