import { Inject, Injectable, Logger } from '@nestjs/common';
import { SmppDeliveriesRepository, SmppServerSubmitsRepository } from '@smsgate/db';
import { IntervalWorker } from '@smsgate/runtime';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from './config';
import { DeliveryExpiry } from './deliveries/delivery-expiry';
import { deliveriesTotal } from './metrics';
import { PgBindLedger } from './server/bind-ledger';
import { SmppListener } from './server/smpp-listener';
import { SmppSubmitSink } from './submit/submit-sink';

const BATCH = 1_000;

/**
 * Every 10 s: concatenated submits whose parts stopped coming go out with the parts present; dedupe
 * keys past the window are forgotten; receipts and MOs past their expiry are expired (counted, logged
 * without their text); submits and finished deliveries older than the delivery expiry are deleted (no
 * receipt can need them any more: a message's final status comes within its receipt timeout); binds
 * recorded by replicas that died without releasing them are deleted.
 */
@Injectable()
export class SmppServerMaintenance extends IntervalWorker {
  private readonly logger = new Logger('SmppMaintenance');
  private readonly expiry: DeliveryExpiry;

  constructor(
    private readonly sink: SmppSubmitSink,
    private readonly submits: SmppServerSubmitsRepository,
    deliveries: SmppDeliveriesRepository,
    private readonly listener: SmppListener,
    private readonly ledger: PgBindLedger,
    @Inject(SMPP_SERVER_CONFIG) private readonly config: SmppServerConfig,
  ) {
    super('smpp-server maintenance', 10_000);
    this.expiry = new DeliveryExpiry(
      deliveries,
      { warn: (fields, message) => this.logger.warn(`${message} ${JSON.stringify(fields)}`) },
      (kind, count) => deliveriesTotal.inc({ kind, result: 'expired' }, count),
    );
  }

  async round(): Promise<boolean> {
    const stale = await this.sink.publishStale((ids) => this.listener.accountsById(ids));
    if (stale > 0) this.logger.warn(`published ${stale} concatenated submit(s) with parts missing`);
    const forgotten = await this.submits.forgetKeys(this.config.SMPP_DEDUPE_WINDOW_SECONDS, BATCH);
    await this.expiry.runOnce();
    const pruned = await this.submits.prune(this.config.SMPP_DELIVERY_EXPIRY_HOURS * 2, BATCH);
    const gone = await this.ledger.forgetStale();
    if (gone > 0)
      this.logger.warn(`forgot ${gone} ESME bind(s) of replicas that stopped without releasing them`);
    return forgotten === BATCH || pruned === BATCH;
  }
}
