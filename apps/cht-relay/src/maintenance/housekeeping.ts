import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ChtGatewayInboxRepository,
  ChtInboundForwardsRepository,
  ChtLoopCountersRepository,
} from '@smsgate/db';
import { IntervalWorker } from '@smsgate/runtime';
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
export class Housekeeping extends IntervalWorker {
  constructor(
    private readonly loopCounters: ChtLoopCountersRepository,
    private readonly inboundForwards: ChtInboundForwardsRepository,
    private readonly gatewayInbox: ChtGatewayInboxRepository,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {
    super('pruning', INTERVAL_MS, { logger: new Logger('housekeeping') });
  }

  async round(): Promise<void> {
    await this.loopCounters.deleteEnded(this.config.LOOP_WINDOW_SECONDS);
    await this.inboundForwards.deleteDone(KEEP_DAYS);
    await this.gatewayInbox.deleteDelivered(KEEP_DAYS);
  }
}
