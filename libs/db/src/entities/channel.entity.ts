import type { ChannelType } from '@smsgate/contracts';
import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity({ name: 'channels' })
@Index('channels_workspace', ['workspaceId'])
export class ChannelEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  /** A name of ChannelType; the CHECK constraint of the latest migration that names them lists the same. */
  @Column('text')
  type!: ChannelType;

  @Column('text')
  name!: string;

  /** The number or sender id this channel sends from and receives on. */
  @Column('text', { nullable: true })
  address!: string | null;

  /** ISO 3166 alpha-2, used to normalise local numbers. */
  @Column('text', { nullable: true })
  country!: string | null;

  /** Non-secret configuration. */
  @Column('jsonb', { default: {} })
  config!: Record<string, unknown>;

  /** Secret configuration, encrypted (AES-256-GCM); never returned by any API. */
  @Column('text', { nullable: true })
  secrets!: string | null;

  /** Names of the secrets set (not their values), so a channel can be shown without decrypting. */
  @Column('text', { name: 'secret_fields', array: true, default: () => "'{}'" })
  secretFields!: string[];

  @Column('boolean', { default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
