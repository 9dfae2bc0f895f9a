import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { smsgateServiceModule } from '@smsgate/service';
import { ChannelRateBudgetsRepository } from '@smsgate/db';
import { createChannelAdapters } from '@smsgate/channel-config';
import type { NodeHttpClient } from '@smsgate/egress';
import { ChannelDirectory } from './channels/channel-directory';
import { dispatcherHttpClient } from './http-client';
import { DISPATCHER_CONFIG, DispatcherConfig } from './config';
import { AttemptLedger } from './dispatch/attempt-ledger';
import { OptOutList } from './dispatch/opt-out-list';
import { ChannelRateLimiter } from './dispatch/channel-rate-limiter';
import { CHANNEL_ADAPTERS, DispatchMessage, HTTP_CLIENT } from './dispatch/dispatch-message.use-case';
import { OutboundConsumer } from './dispatch/outbound.consumer';
import { onPausedChannelsScrape } from './metrics';
import { RouteResolver } from './routing/route-resolver';

@Injectable()
class HttpClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(HTTP_CLIENT) private readonly http: NodeHttpClient) {}

  onApplicationShutdown(): void {
    this.http.close();
  }
}

/** Delivers requested messages to HTTP aggregators, or hands SMPP ones to smpp-binds. */
export class DispatcherModule extends smsgateServiceModule<DispatcherConfig>(
  'dispatcher',
  DISPATCHER_CONFIG,
  (config) => ({
    controllers: [OutboundConsumer],
    providers: [
      {
        provide: CHANNEL_ADAPTERS,
        useFactory: () =>
          createChannelAdapters({
            timeoutMs: config.HTTP_TIMEOUT_MS,
            ingressPublicUrl: config.INGRESS_PUBLIC_URL,
          }),
      },
      {
        provide: HTTP_CLIENT,
        useFactory: () => dispatcherHttpClient(config),
      },
      HttpClientLifecycle,
      ChannelDirectory,
      RouteResolver,
      AttemptLedger,
      OptOutList,
      {
        provide: ChannelRateLimiter,
        inject: [ChannelRateBudgetsRepository],
        useFactory: (budgets: ChannelRateBudgetsRepository) => {
          const limiter = new ChannelRateLimiter(budgets);
          onPausedChannelsScrape(() => limiter.paused());
          return limiter;
        },
      },
      DispatchMessage,
    ],
  }),
) {}
