import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One part of an outbound message as the provider knows it. `(channelId, providerMessageId)` is how
 * a receipt that names only the provider's id finds its message (unique; ids are normalised first).
 */
@Entity({ name: 'message_parts' })
@Index('message_parts_provider', ['channelId', 'providerMessageId'], { unique: true })
export class MessagePartEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @PrimaryColumn('int', { name: 'part_index' })
  partIndex!: number;

  @Column('uuid', { name: 'channel_id', nullable: true })
  channelId!: string | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  @Column('text')
  status!: string;

  @Column('int', { default: 0 })
  attempt!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
