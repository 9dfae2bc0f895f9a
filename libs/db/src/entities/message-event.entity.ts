import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per status change of a message: its history. `eventId` makes applying an event idempotent. */
@Entity({ name: 'message_events' })
@Index('message_events_message', ['messageId', 'at'])
export class MessageEventEntity {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text')
  status!: string;

  /** Which service or provider said so. */
  @Column('text')
  source!: string;

  @Column('jsonb', { nullable: true })
  detail!: Record<string, unknown> | null;

  @Column('timestamptz')
  at!: Date;
}
