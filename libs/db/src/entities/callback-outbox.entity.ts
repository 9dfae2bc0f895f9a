import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A status callback to deliver, written in the transaction that applied the change. */
@Entity({ name: 'callback_outbox' })
export class CallbackOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** The applied event this callback reports; one callback per event. */
  @Column('uuid', { name: 'event_id', unique: true })
  eventId!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text')
  url!: string;

  @Column('text')
  body!: string;

  @Column('text', { default: 'pending' })
  /** `queued`: waiting behind an unfinished callback of the same message (see migration 0006). */
  state!: 'pending' | 'queued' | 'delivered' | 'failed';

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
