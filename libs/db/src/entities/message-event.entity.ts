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

  @Column('text', { name: 'previous_status', nullable: true })
  previousStatus!: string | null;

  /** False when the event was kept in history but did not change the state (late or after final). */
  @Column('boolean', { default: true })
  applied!: boolean;

  @Column('int', { name: 'part_index', nullable: true })
  partIndex!: number | null;
}
