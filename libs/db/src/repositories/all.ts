import { WorkspacesRepository } from './workspaces.repository';
import { SmppSubmitsRepository } from './smpp-submits.repository';
import { SmppMoPartsRepository } from './smpp-mo-parts.repository';
import { SmppChannelStatesRepository } from './smpp-channel-states.repository';
import { ChtMessagesRepository } from './cht-messages.repository';
import { ChtInboundForwardsRepository } from './cht-inbound-forwards.repository';
import { ChtGatewayInboxRepository } from './cht-gateway-inbox.repository';
import { ChtLoopCountersRepository } from './cht-loop-counters.repository';
import { ChtBroadcastsRepository } from './cht-broadcasts.repository';
import { ChtTargetsRepository } from './cht-targets.repository';
import { RapidProChannelsRepository } from './rapidpro-channels.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [
  WorkspacesRepository,
  SmppSubmitsRepository,
  SmppMoPartsRepository,
  SmppChannelStatesRepository,
  ChtMessagesRepository,
  ChtInboundForwardsRepository,
  ChtGatewayInboxRepository,
  ChtLoopCountersRepository,
  ChtBroadcastsRepository,
  ChtTargetsRepository,
  RapidProChannelsRepository,
];
