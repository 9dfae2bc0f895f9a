import { Injectable, OnApplicationBootstrap, OnApplicationShutdown, Logger, Inject } from '@nestjs/common';
import { ADMIN_TOKEN, AdminTokenGuard } from '@smsgate/auth';
import { smsgateServiceModule } from '@smsgate/service';
import { IntervalTask } from '@smsgate/runtime';
import { BindRegistry } from './binds/bind-registry';
import { BindReporter } from './binds/bind-reporter';
import { BindsController } from './binds/binds.controller';
import { Ownership } from './binds/ownership';
import { SmscChannels } from './channels/smsc-channels';
import { onBindMetricsScrape } from './metrics';
import { SMPP_BINDS_CONFIG, SmppBindsConfig } from './config';
import { InboundHandler } from './inbound/inbound-handler';
import { MoReassembly } from './inbound/mo-reassembly';
import { SubmitLedger } from './submit/submit-ledger';
import { SubmittedParts } from './submit/submitted-parts';
import { SubmitMessage } from './submit/submit-message.use-case';
import { SubmitConsumer } from './submit/submit.consumer';

/** Publishes concatenated MO messages whose missing parts did not arrive in time. */
@Injectable()
class MoSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MoSweeper.name);
  private readonly task: IntervalTask;

  constructor(
    private readonly reassembly: MoReassembly,
    private readonly channels: SmscChannels,
    @Inject(SMPP_BINDS_CONFIG) config: SmppBindsConfig,
  ) {
    this.task = new IntervalTask(
      'MO sweep',
      config.MO_SWEEP_INTERVAL_MS,
      async () => {
        const count = await this.reassembly.sweep(config.MO_PARTS_TIMEOUT_SECONDS, async (id) => {
          const channel = await this.channels.get(id);
          return channel ? { workspace: channel.workspaceId, type: channel.type } : undefined;
        });
        if (count > 0) this.logger.warn(`published ${count} incomplete concatenated MO message(s)`);
        return false;
      },
      { logger: this.logger },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}

/** Bind gauges are read from the pools when /metrics is scraped. */
@Injectable()
class BindMetrics implements OnApplicationBootstrap {
  constructor(private readonly registry: BindRegistry) {}

  onApplicationBootstrap(): void {
    onBindMetricsScrape(() => this.registry.updateGauges());
  }
}

/**
 * Holds the connections to SMSCs (SMPP binds, and the other protocols in protocols/): submits what the
 * dispatcher hands over, turns receipts and MOs into events.
 */
export class SmppBindsModule extends smsgateServiceModule<SmppBindsConfig>(
  'smpp-binds',
  SMPP_BINDS_CONFIG,
  (config) => ({
    controllers: [SubmitConsumer, BindsController],
    providers: [
      { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
      AdminTokenGuard,
      SmscChannels,
      Ownership,
      InboundHandler,
      MoReassembly,
      MoSweeper,
      BindRegistry,
      BindReporter,
      BindMetrics,
      SubmitLedger,
      SubmittedParts,
      SubmitMessage,
    ],
  }),
) {}
