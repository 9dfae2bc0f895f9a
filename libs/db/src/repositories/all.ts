import { WorkspacesRepository } from './workspaces.repository';
import { ChannelsRepository } from './channels.repository';
import { RoutesRepository } from './routes.repository';
import { SendRequestsRepository } from './send-requests.repository';
import { InboundDedupRepository } from './inbound-dedup.repository';
import { DispatchAttemptsRepository } from './dispatch-attempts.repository';
import { OptOutsRepository } from './opt-outs.repository';
import { CallbackOutboxRepository } from './callback-outbox.repository';
import { InboundMessagesRepository } from './inbound-messages.repository';
import { MessageStatusRepository } from './message-status.repository';
import { MessageSweepsRepository } from './message-sweeps.repository';
import { MessageViewsRepository } from './message-views.repository';
import { ParkedEventsRepository } from './parked-events.repository';
import { AcceptedMessagesRepository } from './accepted-messages.repository';
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
import { ProfilesRepository } from './profiles.repository';
import { MessageTemplatesRepository } from './message-templates.repository';
import { SmartlinksRepository } from './smartlinks.repository';
import { ChannelRateBudgetsRepository } from './channel-rate-budgets.repository';
import { SmppAccountsRepository } from './smpp-accounts.repository';
import { SmppServerSubmitsRepository } from './smpp-server-submits.repository';
import { SmppDeliveriesRepository } from './smpp-deliveries.repository';
import { SmppServerBindsRepository } from './smpp-server-binds.repository';
import { SmscBindReportsRepository } from './smsc-bind-reports.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [
  WorkspacesRepository,
  ChannelsRepository,
  RoutesRepository,
  SendRequestsRepository,
  InboundDedupRepository,
  DispatchAttemptsRepository,
  OptOutsRepository,
  CallbackOutboxRepository,
  InboundMessagesRepository,
  MessageStatusRepository,
  MessageSweepsRepository,
  MessageViewsRepository,
  ParkedEventsRepository,
  AcceptedMessagesRepository,
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
  ProfilesRepository,
  MessageTemplatesRepository,
  SmartlinksRepository,
  ChannelRateBudgetsRepository,
  SmppAccountsRepository,
  SmppServerSubmitsRepository,
  SmppDeliveriesRepository,
  SmppServerBindsRepository,
  SmscBindReportsRepository,
];
