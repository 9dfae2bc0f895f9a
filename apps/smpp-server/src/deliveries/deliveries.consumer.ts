import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@smsgate/contracts';
import { SmppAccountsRepository, SmppDeliveriesRepository } from '@smsgate/db';
import { ConsumedBatch, Outcome } from '@smsgate/kafka';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from '../config';
import { DeliveryPumpService } from './delivery-pump.service';
import { MoUseCase } from './mo.use-case';
import { ReceiptsUseCase } from './receipts.use-case';

/**
 * Fills smpp_deliveries from Kafka: receipts from sms.message.status-changed.v1 (final statuses of
 * messages ESMEs submitted), MOs from sms.inbound.received.v1 (messages routed to accounts). One read and
 * one write per consumed batch each way; the pump sends the rows.
 */
@Controller()
export class DeliveriesConsumer {
  private readonly receipts: ReceiptsUseCase;
  private readonly mos: MoUseCase;

  constructor(
    deliveries: SmppDeliveriesRepository,
    accounts: SmppAccountsRepository,
    pump: DeliveryPumpService,
    @Inject(SMPP_SERVER_CONFIG) config: SmppServerConfig,
  ) {
    const inserted = (accountIds: string[]) => pump.inserted(accountIds);
    this.receipts = new ReceiptsUseCase(deliveries, config.SMPP_DELIVERY_EXPIRY_HOURS, inserted);
    this.mos = new MoUseCase(
      {
        inboundRoutes: (messages) => accounts.inboundRoutes(messages),
        insertMany: (rows, expiryHours) => deliveries.insertMany(rows, expiryHours),
      },
      config.SMPP_DELIVERY_EXPIRY_HOURS,
      inserted,
    );
  }

  @EventPattern(Topics.messageStatusChanged)
  onStatus(@Payload() batch: ConsumedBatch<typeof Topics.messageStatusChanged>): Promise<Outcome[]> {
    return this.receipts.execute(batch.events);
  }

  @EventPattern(Topics.inboundReceived)
  onInbound(@Payload() batch: ConsumedBatch<typeof Topics.inboundReceived>): Promise<Outcome[]> {
    return this.mos.execute(batch.events);
  }
}
