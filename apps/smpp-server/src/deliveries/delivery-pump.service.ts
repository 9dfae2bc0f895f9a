import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SmppDeliveriesRepository } from '@smsgate/db';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { deliveriesTotal } from '../metrics';
import { SmppListener } from '../server/smpp-listener';
import { DeliveryPump } from './delivery-pump';

/**
 * The delivery pump of this replica, over its sessions and smpp_deliveries: woken when rows are stored
 * for an account with a receiver here and when an account binds, and every
 * SMPP_DELIVERY_POLL_INTERVAL_MS for rows other replicas stored and retries coming due.
 */
@Injectable()
export class DeliveryPumpService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SmppDeliveries');
  private readonly pump: DeliveryPump;

  constructor(
    deliveries: SmppDeliveriesRepository,
    private readonly listener: SmppListener,
    @Inject(SMPP_SERVER_CONFIG) config: SmppServerConfig,
  ) {
    this.pump = new DeliveryPump(
      deliveries,
      listener.server.registry,
      { pollIntervalMs: config.SMPP_DELIVERY_POLL_INTERVAL_MS },
      { sent: (result, kind) => deliveriesTotal.inc({ kind, result }) },
      (error) =>
        this.logger.warn(`delivery round failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.listener.onSessions((event) => this.pump.onSessionEvent(event));
    this.pump.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.pump.stop();
  }

  inserted(accountIds: string[]): void {
    this.pump.inserted(accountIds);
  }
}
