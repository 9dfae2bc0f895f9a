import { WorkspacesRepository } from './workspaces.repository';
import { CallbackOutboxRepository } from './callback-outbox.repository';
import { ChannelOwnersRepository } from './channel-owners.repository';
import { InboundMessagesRepository } from './inbound-messages.repository';
import { MessageStatusRepository } from './message-status.repository';
import { MessageSweepsRepository } from './message-sweeps.repository';
import { MessageViewsRepository } from './message-views.repository';
import { ParkedEventsRepository } from './parked-events.repository';
import { AcceptedMessagesRepository } from './accepted-messages.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [
  WorkspacesRepository,
  CallbackOutboxRepository,
  ChannelOwnersRepository,
  InboundMessagesRepository,
  MessageStatusRepository,
  MessageSweepsRepository,
  MessageViewsRepository,
  ParkedEventsRepository,
  AcceptedMessagesRepository,
];
