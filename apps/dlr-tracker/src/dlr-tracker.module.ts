import { AuthModule } from '@smsgate/auth';
import { smsgateServiceModule } from '@smsgate/service';
import { CallbackWorker } from './callbacks/callback-worker';
import { SigningSecrets } from './callbacks/signing-secrets';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from './config';
import { InboundConsumer } from './inbound/inbound.consumer';
import { StoreInboundMessages } from './inbound/store-inbound.use-case';
import { CallbackPruner } from './maintenance/callback-pruner';
import { ExpirySweeper } from './maintenance/expiry-sweeper';
import { ParkedReporter } from './maintenance/parked-reporter';
import { ReceiptTimeoutSweeper } from './maintenance/receipt-timeout-sweeper';
import { MessagesController } from './messages/messages.controller';
import { RecordSendRequests } from './requests/record-requests.use-case';
import { RequestsConsumer } from './requests/requests.consumer';
import { LedgerWriter } from './tracking/ledger-writer';
import { StatusLedger } from './tracking/status-ledger';
import { StatusConsumer } from './tracking/status.consumer';
import { TrackStatuses } from './tracking/track-statuses.use-case';

export class DlrTrackerModule extends smsgateServiceModule<DlrTrackerConfig>(
  'dlr-tracker',
  DLR_TRACKER_CONFIG,
  (config) => ({
    imports: [AuthModule.forRoot({ adminToken: config.ADMIN_TOKEN })],
    controllers: [MessagesController, InboundConsumer, RequestsConsumer, StatusConsumer],
    providers: [
      StoreInboundMessages,
      LedgerWriter,
      StatusLedger,
      RecordSendRequests,
      TrackStatuses,
      SigningSecrets,
      CallbackWorker,
      ExpirySweeper,
      ReceiptTimeoutSweeper,
      CallbackPruner,
      ParkedReporter,
    ],
  }),
) {}
