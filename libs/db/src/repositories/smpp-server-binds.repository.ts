import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A bind as a replica claims it. */
export interface ClaimedBind {
  sessionId: string;
  accountId: string;
  replica: string;
  mode: 'transceiver' | 'transmitter' | 'receiver';
  remoteAddress: string;
}

/** An account's live binds: on every replica, and on the asking one. */
export interface BindShare {
  accountId: string;
  total: number;
  mine: number;
}

export const smppServerBindQueries = {
  lockAccount: `SELECT pg_advisory_xact_lock(hashtextextended('smpp-server-binds/' || $1, 0))`,
  claim: `
    -- every accepted ESME bind, under the account's lock: refused (no row) at max_binds live binds
    INSERT INTO smpp_server_binds (session_id, account_id, replica, mode, remote_address)
    SELECT $1, $2, $3, $4, $5
     WHERE (SELECT count(*) FROM smpp_server_binds
             WHERE account_id = $2 AND seen_at > now() - make_interval(secs => $7)) < $6
    RETURNING session_id`,
  release: `DELETE FROM smpp_server_binds WHERE session_id = $1`,
  releaseReplica: `DELETE FROM smpp_server_binds WHERE replica = $1`,
  heartbeat: `
    -- every account check of a replica with binds
    UPDATE smpp_server_binds SET seen_at = now() WHERE replica = $1 AND session_id = ANY($2::uuid[])`,
  shares: `
    SELECT account_id AS "accountId", count(*)::int AS total,
           (count(*) FILTER (WHERE replica = $2))::int AS mine
      FROM smpp_server_binds
     WHERE account_id = ANY($1::uuid[]) AND seen_at > now() - make_interval(secs => $3)
     GROUP BY account_id`,
  forgetStale: `
    WITH gone AS (
      DELETE FROM smpp_server_binds WHERE seen_at <= now() - make_interval(secs => $1) RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
};

/**
 * ESME binds across smpp-server replicas (smpp_server_binds): what makes an account's max_binds and tps
 * hold for the whole cluster. A bind counts while its replica keeps refreshing it (`liveSeconds`).
 */
@Injectable()
export class SmppServerBindsRepository {
  constructor(private readonly db: DataSource) {}

  /** Records the bind unless the account has `maxBinds` live ones already; whether it was recorded. */
  claim(bind: ClaimedBind, maxBinds: number, liveSeconds: number): Promise<boolean> {
    return this.db.transaction(async (db) => {
      await db.query(smppServerBindQueries.lockAccount, [bind.accountId]);
      const rows = await db.query<unknown[]>(smppServerBindQueries.claim, [
        bind.sessionId,
        bind.accountId,
        bind.replica,
        bind.mode,
        bind.remoteAddress,
        maxBinds,
        liveSeconds,
      ]);
      return rows.length === 1;
    });
  }

  async release(sessionId: string): Promise<void> {
    await this.db.query(smppServerBindQueries.release, [sessionId]);
  }

  /** Everything a replica held (it is shutting down). */
  async releaseReplica(replica: string): Promise<void> {
    await this.db.query(smppServerBindQueries.releaseReplica, [replica]);
  }

  /** Marks the replica's open sessions alive. */
  async heartbeat(replica: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.db.query(smppServerBindQueries.heartbeat, [replica, sessionIds]);
  }

  /** Each account's live binds, in all and on `replica`. */
  shares(accountIds: string[], replica: string, liveSeconds: number): Promise<BindShare[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.db.query<BindShare[]>(smppServerBindQueries.shares, [accountIds, replica, liveSeconds]);
  }

  /** Deletes the rows of replicas that stopped refreshing them; how many. */
  async forgetStale(liveSeconds: number): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(smppServerBindQueries.forgetStale, [liveSeconds]);
    return n;
  }
}
