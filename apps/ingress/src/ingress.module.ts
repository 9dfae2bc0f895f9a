import { ADMIN_TOKEN, AdminTokenGuard, AuthModule } from '@smsgate/auth';
import { smsgateServiceModule } from '@smsgate/service';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { INGRESS_CONFIG, IngressConfig } from './config';
import { AcceptInbound } from './inbound/accept-inbound.use-case';
import { AcceptReport } from './inbound/accept-report.use-case';
import { InboundDedupStore } from './inbound/inbound-dedup.store';
import { InboundController } from './inbound/inbound.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { RoutesController } from './routes/routes.controller';
import { ImiMessagingController } from './send/imi-messaging.controller';
import { MessageListController } from './send/message-list.controller';
import { MessagesController } from './send/messages.controller';
import { SendMessages } from './send/send-messages.use-case';
import { SendRequestsStore } from './send/send-requests.store';
import { SmppAccountsController } from './smpp-accounts/smpp-accounts.controller';
import { TemplateTexts } from './send/template-texts';
import { TemplatesController } from './templates/templates.controller';
import { ExpiredCodesCleanup } from './smartlinks/expired-codes.cleanup';
import { ShortLinksController } from './smartlinks/short-links.controller';
import { SmartlinkSends } from './smartlinks/smartlink-sends';
import { SmartlinksController } from './smartlinks/smartlinks.controller';
import { WorkspacesController } from './workspaces/workspaces.controller';

export class IngressModule extends smsgateServiceModule<IngressConfig>(
  'ingress',
  INGRESS_CONFIG,
  (config) => ({
    imports: [AuthModule.forRoot({ adminToken: config.ADMIN_TOKEN })],
    controllers: [
      WorkspacesController,
      ChannelsController,
      InboundController,
      MessagesController,
      MessageListController,
      ImiMessagingController,
      RoutesController,
      ProfilesController,
      TemplatesController,
      SmartlinksController,
      ShortLinksController,
      SmppAccountsController,
    ],
    providers: [
      { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
      AdminTokenGuard,
      ChannelsService,
      InboundDedupStore,
      AcceptInbound,
      AcceptReport,
      SendMessages,
      SendRequestsStore,
      TemplateTexts,
      SmartlinkSends,
      ExpiredCodesCleanup,
    ],
  }),
) {}
