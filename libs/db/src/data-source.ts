import { DataSource } from 'typeorm';
import { ChannelEntity } from './entities/channel.entity';
import { MessageEventEntity } from './entities/message-event.entity';
import { MessagePartEntity } from './entities/message-part.entity';
import { MessageEntity } from './entities/message.entity';
import { RouteEntity } from './entities/route.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { WorkspaceSigningSecret1763800000001 } from './migrations/1763800000001-workspace-signing-secret';
import { DeliveryTracking1763800000002 } from './migrations/1763800000002-delivery-tracking';
import { Dispatch1763800000003 } from './migrations/1763800000003-dispatch';
import { ChtRelay1763800000004 } from './migrations/1763800000004-cht-relay';
import { SmppBinds1763800000005 } from './migrations/1763800000005-smpp-binds';
import { CallbackQueue1763800000006 } from './migrations/1763800000006-callback-queue';
import { LedgerWritePath1763800000007 } from './migrations/1763800000007-ledger-write-path';
import { CallbackOutboxWritePath1763800000008 } from './migrations/1763800000008-callback-outbox-write-path';
import { SendRequests1763800000010 } from './migrations/1763800000010-send-requests';
import { ReceiptTimeout1763800000011 } from './migrations/1763800000011-receipt-timeout';
import { NotifyOn1763800000012 } from './migrations/1763800000012-notify-on';
import { ProfilesAndTemplates1763800000013 } from './migrations/1763800000013-profiles-and-templates';
import { Smartlinks1763800000014 } from './migrations/1763800000014-smartlinks';
import { ChtApiDetection1763800000016 } from './migrations/1763800000016-cht-api-detection';
import { ChannelRateBudgets1763800000017 } from './migrations/1763800000017-channel-rate-budgets';
import { MessageAttachments1763800000018 } from './migrations/1763800000018-message-attachments';
import { SmppAccounts1763800000019 } from './migrations/1763800000019-smpp-accounts';
import { SmppServerSubmits1763800000020 } from './migrations/1763800000020-smpp-server-submits';
import { SmppServerBinds1763800000022 } from './migrations/1763800000022-smpp-server-binds';
import { SmscChannelTypes1763800000023 } from './migrations/1763800000023-smsc-channel-types';
import { SmscBindReports1763800000024 } from './migrations/1763800000024-smsc-bind-reports';
import { CallbacksByMessage1763800000025 } from './migrations/1763800000025-callbacks-by-message';
import { SmppDeliveries1763800000021 } from './migrations/1763800000021-smpp-deliveries';

/**
 * Tables read through TypeORM's entity API (the message views) or typed by their entity (channels,
 * routes). Every other statement is SQL in a repository, with no entity behind it.
 */
export const entities = [ChannelEntity, MessageEntity, MessageEventEntity, MessagePartEntity, RouteEntity];
export const migrations = [
  InitialSchema1763800000000,
  WorkspaceSigningSecret1763800000001,
  DeliveryTracking1763800000002,
  Dispatch1763800000003,
  ChtRelay1763800000004,
  SmppBinds1763800000005,
  CallbackQueue1763800000006,
  LedgerWritePath1763800000007,
  CallbackOutboxWritePath1763800000008,
  SendRequests1763800000010,
  ReceiptTimeout1763800000011,
  NotifyOn1763800000012,
  ProfilesAndTemplates1763800000013,
  Smartlinks1763800000014,
  ChtApiDetection1763800000016,
  ChannelRateBudgets1763800000017,
  MessageAttachments1763800000018,
  SmppAccounts1763800000019,
  SmppServerSubmits1763800000020,
  SmppDeliveries1763800000021,
  SmppServerBinds1763800000022,
  SmscChannelTypes1763800000023,
  SmscBindReports1763800000024,
  CallbacksByMessage1763800000025,
];

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export function createDataSource({
  url,
  poolSize = 10,
  applicationName = 'smsgate',
}: DataSourceSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    applicationName,
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
  });
}
