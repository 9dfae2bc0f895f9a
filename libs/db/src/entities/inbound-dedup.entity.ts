import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Remembers recently received inbound messages so that an aggregator's re-post of the same message gets
 * the original id back instead of a second message. `published` turns true once Kafka acknowledged.
 */
@Entity({ name: 'inbound_dedup' })
export class InboundDedupEntity {
  @PrimaryColumn('text')
  key!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('boolean')
  published!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
