import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One send attempt of a message: written before the provider is called, completed after. */
@Entity({ name: 'dispatch_attempts' })
export class DispatchAttemptEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @PrimaryColumn('int')
  attempt!: number;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('text')
  state!: 'sending' | 'done';

  @Column('jsonb', { nullable: true })
  result!: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
