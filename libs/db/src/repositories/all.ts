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
];
