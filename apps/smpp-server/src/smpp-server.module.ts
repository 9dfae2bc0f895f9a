import { ADMIN_TOKEN, AdminTokenGuard } from '@smsgate/auth';
import { smsgateServiceModule } from '@smsgate/service';
import { PgAccountDirectory } from './accounts/account-directory';
import { SMPP_SERVER_CONFIG, SmppServerConfig } from './config';
import { DeliveriesConsumer } from './deliveries/deliveries.consumer';
import { DeliveryPumpService } from './deliveries/delivery-pump.service';
import { SmppServerMaintenance } from './maintenance';
import { PgBindLedger } from './server/bind-ledger';
import { SmppListener } from './server/smpp-listener';
import { SessionsController } from './sessions/sessions.controller';
import { SmppSubmitSink } from './submit/submit-sink';

/**
 * smsgate as an SMSC: ESMEs bind over SMPP 3.4, their submits join the send pipeline, and their
 * receipts and MOs go back to them as deliver_sm (docs/smpp-server.md).
 */
export class SmppServerModule extends smsgateServiceModule<SmppServerConfig>(
  'smpp-server',
  SMPP_SERVER_CONFIG,
  (config) => ({
    controllers: [DeliveriesConsumer, SessionsController],
    providers: [
      { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
      AdminTokenGuard,
      PgAccountDirectory,
      SmppSubmitSink,
      PgBindLedger,
      SmppListener,
      DeliveryPumpService,
      SmppServerMaintenance,
    ],
  }),
) {}
