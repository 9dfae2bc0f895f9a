import { DataSource } from 'typeorm';
import { ChannelEntity } from './entities/channel.entity';
import { InboundDedupEntity } from './entities/inbound-dedup.entity';
import { MessageEventEntity } from './entities/message-event.entity';
import { MessageEntity } from './entities/message.entity';
import { WorkspaceEntity } from './entities/workspace.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { WorkspaceSigningSecret1763800000001 } from './migrations/1763800000001-workspace-signing-secret';

export const entities = [
  WorkspaceEntity,
  ChannelEntity,
  MessageEntity,
  MessageEventEntity,
  InboundDedupEntity,
];
export const migrations = [InitialSchema1763800000000, WorkspaceSigningSecret1763800000001];

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
