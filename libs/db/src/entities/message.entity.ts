import type { Attachment } from '@smsgate/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'messages' })
export class MessageEntity {
  /** UUIDv7, assigned where the message entered smsgate. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'channel_id', nullable: true })
  channelId!: string | null;

  @Column('text')
  direction!: 'in' | 'out';

  @Column('text', { name: 'from_addr', nullable: true })
  from!: string | null;

  @Column('text', { name: 'to_addr', nullable: true })
  to!: string | null;

  @Column('text')
  text!: string;

  @Column('text')
  status!: string;

  @Column('int')
  segments!: number;

  @Column('text')
  encoding!: string;

  @Column('text', { name: 'provider_ids', array: true, default: () => "'{}'" })
  providerIds!: string[];

  @Column('text', { name: 'correlation_id', nullable: true })
  correlationId!: string | null;

  @Column('jsonb', { nullable: true })
  error!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  metadata!: Record<string, string> | null;

  /** The files the message carries, by URL; null for none. */
  @Column('jsonb', { nullable: true })
  attachments!: Attachment[] | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('text', { name: 'notify_url', nullable: true })
  notifyUrl!: string | null;

  /** `smsgate` (default) or `imiconnect` (deliveryInfoNotification bodies). */
  @Column('text', { name: 'notify_format', nullable: true })
  notifyFormat!: string | null;

  /** The statuses called back to notifyUrl; NULL: every change. */
  @Column('text', { name: 'notify_on', array: true, nullable: true })
  notifyOn!: string[] | null;

  @Column('text', { name: 'callback_data', nullable: true })
  callbackData!: string | null;

  @Column('text', { nullable: true })
  priority!: string | null;

  /** The latest dispatch attempt seen (0 before the first). */
  @Column('int', { default: 0 })
  attempt!: number;

  @Column('int', { name: 'part_count', nullable: true })
  partCount!: number | null;

  /** When the current status was reached. */
  @Column('timestamptz', { name: 'status_at', nullable: true })
  statusAt!: Date | null;

  /** Set when a status callback could not be delivered after every retry. */
  @Column('jsonb', { name: 'callback_failure', nullable: true })
  callbackFailure!: Record<string, unknown> | null;
}
