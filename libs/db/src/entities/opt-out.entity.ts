import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A number that asked to stop on a channel; removed when it writes in again. */
@Entity({ name: 'opt_outs' })
export class OptOutEntity {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId!: string;

  @PrimaryColumn('text')
  address!: string;

  @Column('timestamptz', { name: 'stopped_at' })
  stoppedAt!: Date;
}
