import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  ChtGatewayInboxRepository,
  ChtInboundForwardsRepository,
  ChtLoopCountersRepository,
} from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';

const INTERVAL_MS = 3_600_000;
/** Long past any Kafka re-delivery or retry schedule. */
const KEEP_DAYS = 7;

/**
 * Prunes what is only needed for a while: loop counters whose window ended, the forwarding record of
 * inbound messages that arrived long ago, and gateway inbox entries CHT took. Messages and broadcasts
 * stay (CHT may ask for their status).
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new IntervalTask(
    'pruning',
    INTERVAL_MS,
    async () => {
      await this.prune();
      return false;
    },
    { logger: new Logger('housekeeping') },
  );

  constructor(
    private readonly loopCounters: ChtLoopCountersRepository,
    private readonly inboundForwards: ChtInboundForwardsRepository,
    private readonly gatewayInbox: ChtGatewayInboxRepository,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async prune(): Promise<void> {
    await this.loopCounters.deleteEnded(this.config.LOOP_WINDOW_SECONDS);
    await this.inboundForwards.deleteDone(KEEP_DAYS);
    await this.gatewayInbox.deleteDelivered(KEEP_DAYS);
  }
}
