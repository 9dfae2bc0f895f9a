import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'workspaces' })
export class WorkspaceEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** SHA-256 of the API key; the key itself is shown once, at creation. */
  @Column('text', { name: 'api_key_hash', unique: true })
  apiKeyHash!: string;

  /** The key's first characters, so people can tell keys apart. */
  @Column('text', { name: 'api_key_prefix' })
  apiKeyPrefix!: string;

  /** Signs status callbacks (HMAC-SHA256); encrypted with SECRETS_KEY, shown once at creation. */
  @Column('text', { name: 'signing_secret', nullable: true })
  signingSecret!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
