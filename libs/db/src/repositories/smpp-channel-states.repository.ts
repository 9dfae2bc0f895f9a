import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SmppChannelState {
  channelId: string;
  state: string;
  /** The SMSC's answer to a rejected bind. */
  status?: { code: number; name: string };
  /** The channel version the state was recorded for. */
  configVersion: string;
}

export const smppChannelStateQueries = {
  find: `
    SELECT state, config_version FROM smpp_channel_states WHERE channel_id = $1`,
  upsert: `
    INSERT INTO smpp_channel_states (channel_id, state, status_code, status_name, config_version, updated_at)
    VALUES ($1, $2, $3, $4, $5, now())
    ON CONFLICT (channel_id) DO UPDATE SET state = $2, status_code = $3, status_name = $4,
      config_version = $5, updated_at = now()`,
  delete: `
    DELETE FROM smpp_channel_states WHERE channel_id = $1`,
} as const;

/**
 * The bind state of each SMPP channel a replica holds (smpp_channel_states): a channel whose bind the
 * SMSC rejected is not bound again until its config changes, whichever replica takes it over.
 */
@Injectable()
export class SmppChannelStatesRepository {
  constructor(private readonly db: DataSource) {}

  async find(channelId: string): Promise<{ state: string; configVersion: string } | undefined> {
    const [row] = await this.db.query<{ state: string; config_version: string }[]>(
      smppChannelStateQueries.find,
      [channelId],
    );
    return row && { state: row.state, configVersion: row.config_version };
  }

  async upsert(state: SmppChannelState): Promise<void> {
    await this.db.query(smppChannelStateQueries.upsert, [
      state.channelId,
      state.state,
      state.status?.code ?? null,
      state.status?.name ?? null,
      state.configVersion,
    ]);
  }

  async delete(channelId: string): Promise<void> {
    await this.db.query(smppChannelStateQueries.delete, [channelId]);
  }
}
