import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NewSendRequest<Result, Event> {
  workspaceId: string;
  key: string;
  fingerprint: string;
  results: Result[];
  events: Event[];
}

/** What a claim found: `claimed`, or the request already stored under the key. */
export interface SendRequestClaimRow<Result, Event> {
  claimed: boolean;
  fingerprint: string | null;
  state: 'publishing' | 'accepted' | null;
  results: Result[] | null;
  events: Event[] | null;
  age_ms: number | null;
}

export const sendRequestQueries = {
  claim: `
    -- hot: every send request that carries a repeat key
    WITH claimed AS (
      INSERT INTO send_requests AS r (workspace_id, key, fingerprint, state, results, events, created_at)
      VALUES ($1, $2, $3, 'publishing', $4, $5, now())
      ON CONFLICT (workspace_id, key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, state = 'publishing', results = EXCLUDED.results,
            events = EXCLUDED.events, created_at = EXCLUDED.created_at
        WHERE r.created_at < now() - make_interval(secs => $6)
      RETURNING true AS claimed
    )
    SELECT true AS claimed, NULL AS fingerprint, NULL AS state, NULL AS results, NULL AS events, NULL AS age_ms
    FROM claimed
    UNION ALL
    SELECT false, r.fingerprint, r.state, r.results, r.events,
           (extract(epoch FROM now() - r.created_at) * 1000)::float8
    FROM send_requests r
    WHERE r.workspace_id = $1 AND r.key = $2 AND NOT EXISTS (SELECT FROM claimed)`,
  markAccepted: `
    -- hot: every send request that carries a repeat key, once Kafka took its events
    UPDATE send_requests SET state = 'accepted' WHERE workspace_id = $1 AND key = $2`,
  deleteOlderThan: `
    DELETE FROM send_requests WHERE created_at < now() - make_interval(secs => $1)`,
} as const;

/** Send requests a client may repeat, by workspace and key, with the answer they got. */
@Injectable()
export class SendRequestsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims the key (or takes over one stored more than `windowSeconds` ago), else reads what is stored;
   * undefined when a concurrent claim's row is not visible to this statement yet.
   */
  async claim<Result, Event>(
    request: NewSendRequest<Result, Event>,
    windowSeconds: number,
  ): Promise<SendRequestClaimRow<Result, Event> | undefined> {
    const [row] = await this.db.query<SendRequestClaimRow<Result, Event>[]>(sendRequestQueries.claim, [
      request.workspaceId,
      request.key,
      request.fingerprint,
      JSON.stringify(request.results),
      JSON.stringify(request.events),
      windowSeconds,
    ]);
    return row;
  }

  async markAccepted(workspaceId: string, key: string): Promise<void> {
    await this.db.query(sendRequestQueries.markAccepted, [workspaceId, key]);
  }

  async deleteOlderThan(seconds: number): Promise<void> {
    await this.db.query(sendRequestQueries.deleteOlderThan, [seconds]);
  }
}
