import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A status or receipt that could not be applied yet: its message (status) or its provider id
 * (receipt) is not known. Applied when that arrives; reported once older than the horizon.
 */
@Entity({ name: 'parked_events' })
export class ParkedEventEntity {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  kind!: 'status' | 'receipt';

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('uuid', { name: 'message_id', nullable: true })
  messageId!: string | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('text', { name: 'source_topic' })
  sourceTopic!: string;

  @Column('int', { name: 'source_partition' })
  sourcePartition!: number;

  @Column('text', { name: 'source_offset' })
  sourceOffset!: string;

  @Column('text')
  reason!: string;

  @Column('timestamptz', { name: 'parked_at' })
  parkedAt!: Date;

  @Column('timestamptz', { name: 'reported_at', nullable: true })
  reportedAt!: Date | null;
}
