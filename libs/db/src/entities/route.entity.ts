import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A workspace routing rule: messages to `prefix` (or to numbers of `country`) go through `channels`, in order. */
@Entity({ name: 'routes' })
export class RouteEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  /** E.164 prefix with plus, e.g. `+2547`; the longest matching prefix wins. */
  @Column('text', { nullable: true })
  prefix!: string | null;

  @Column('text', { nullable: true })
  country!: string | null;

  /** Channel uuids in failover order. */
  @Column('uuid', { array: true })
  channels!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
