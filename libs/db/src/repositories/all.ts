import { WorkspacesRepository } from './workspaces.repository';
import { SmppSubmitsRepository } from './smpp-submits.repository';
import { SmppMoPartsRepository } from './smpp-mo-parts.repository';
import { SmppChannelStatesRepository } from './smpp-channel-states.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [
  WorkspacesRepository,
  SmppSubmitsRepository,
  SmppMoPartsRepository,
  SmppChannelStatesRepository,
];
