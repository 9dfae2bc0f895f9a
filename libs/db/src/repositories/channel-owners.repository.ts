import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Which workspace a channel belongs to, and its type. */
export interface ChannelOwner {
  id: string;
  workspace_id: string;
  type: string;
}

export const channelOwnerQueries = {
  find: `
    -- hot: every consumed batch that names channels (they must belong to the event's workspace)
    SELECT id, workspace_id, type FROM channels WHERE id = ANY($1::uuid[])`,
} as const;

/** The owner check of events that name a channel: not the channel store (no config, no cache). */
@Injectable()
export class ChannelOwnersRepository {
  constructor(private readonly db: DataSource) {}

  /** The channels of these ids that exist; in the caller's transaction when given one. */
  find(channelIds: string[], db: EntityManager = this.db.manager): Promise<ChannelOwner[]> {
    return db.query<ChannelOwner[]>(channelOwnerQueries.find, [channelIds]);
  }
}
