import { AuthModule } from '@smsgate/auth';
import { smsgateServiceModule } from '@smsgate/service';
import { RapidProSendController } from './aggregator/rapidpro-send.controller';
import { CHT_RELAY_CONFIG, ChtRelayConfig } from './config';
import { GatewayPoller } from './gateway/gateway-poller';
import { RelayHttp } from './http/relay-http';
import { ForwardInboundUseCase } from './inbound/forward-inbound.use-case';
import { InboundConsumer } from './inbound/inbound.consumer';
import { LoopGuard } from './loops/loop-guard';
import { Housekeeping } from './maintenance/housekeeping';
import { OutboundMessages } from './outbound/outbound-messages';
import { CreateBroadcastUseCase } from './rapidpro-api/create-broadcast.use-case';
import { RapidProApiController } from './rapidpro-api/rapidpro-api.controller';
import { RapidProAuthGuard } from './rapidpro-api/rapidpro-auth.guard';
import { RelaySettings } from './settings/relay-settings';
import { SettingsController } from './settings/settings.controller';
import { StatusConsumer } from './status/status.consumer';
import { TrackStatusUseCase } from './status/track-status.use-case';

/**
 * Connects the Community Health Toolkit to smsgate: RapidPro's API for CHT's outgoing service,
 * inbound messages to CHT's webhook or gateway API, and smsgate as the aggregator behind RapidPro
 * External API channels.
 */
export class ChtRelayModule extends smsgateServiceModule<ChtRelayConfig>(
  'cht-relay',
  CHT_RELAY_CONFIG,
  () => ({
    imports: [AuthModule.forRoot()],
    controllers: [
      RapidProApiController,
      RapidProSendController,
      SettingsController,
      StatusConsumer,
      InboundConsumer,
    ],
    providers: [
      RelaySettings,
      RelayHttp,
      LoopGuard,
      OutboundMessages,
      CreateBroadcastUseCase,
      RapidProAuthGuard,
      TrackStatusUseCase,
      ForwardInboundUseCase,
      GatewayPoller,
      Housekeeping,
    ],
  }),
) {}
