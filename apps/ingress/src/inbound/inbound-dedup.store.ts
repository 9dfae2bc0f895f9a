import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { MicroBatcher } from '@smsgate/runtime';
import { DataSource } from 'typeorm';
import { INGRESS_CONFIG, IngressConfig } from '../config';

export interface Claim {
  messageId: string;
  receivedAt: Date;
  /** True when this call claimed the key: the caller must publish. */
  claimed: boolean;
  published: boolean;
}

const FLUSH_EVERY_MS = 25;

interface ClaimRequest {
  key: string;
  candidateId: string;
  now: Date;
}

interface ClaimRow {
  key: string;
  message_id: string;
  created_at: Date;
  claimed: boolean;
  published: boolean;
}

const toRow = (key: string, claim: Claim): ClaimRow => ({
  key,
  message_id: claim.messageId,
  created_at: claim.receivedAt,
  claimed: claim.claimed,
  published: claim.published,
});

/**
 * Remembers recent inbound messages by content key. A claim inserts the key (or takes over one older
 * than the window); a second claim within the window gets the first message's id. `published` is set
 * in batches after Kafka acknowledged: if it is lost, a re-post publishes the same id again, which the
 * consumers apply once — never a lost message, never a second one.
 */
@Injectable()
export class InboundDedupStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InboundDedupStore.name);
  private pendingPublished: string[] = [];
  /** Keys this process published whose flag is not written yet: a quick re-post must not re-publish. */
  private readonly publishedHere = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private cleanupTimer?: NodeJS.Timeout;
  private readonly windowSeconds: number;
  private readonly claims = new MicroBatcher<ClaimRequest, Claim>((requests) => this.claimMany(requests), {
    maxBatch: 500,
    maxInFlight: 1,
  });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
  ) {
    this.windowSeconds = config.INBOUND_DEDUP_WINDOW_SECONDS;
  }

  onModuleInit(): void {
    this.cleanupTimer = setInterval(() => void this.cleanup(), 60_000);
    this.cleanupTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.cleanupTimer);
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  /** Claims go to the database in batches: one round trip serves every request that arrived meanwhile. */
  claim(key: string, candidateId: string, now: Date): Promise<Claim> {
    return this.claims.submit({ key, candidateId, now });
  }

  private async claimMany(requests: ClaimRequest[]): Promise<Claim[]> {
    const first = new Map<string, ClaimRequest>();
    for (const request of requests) if (!first.has(request.key)) first.set(request.key, request);
    const unique = [...first.values()];
    // One statement: claim new (or expired) keys; for the others read what is there.
    const rows = await this.dataSource.query<ClaimRow[]>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS i(key, message_id, created_at)
       ), claimed AS (
         INSERT INTO inbound_dedup AS d (key, message_id, published, created_at)
         SELECT key, message_id, false, created_at FROM input
         ON CONFLICT (key) DO UPDATE SET message_id = EXCLUDED.message_id, published = false, created_at = EXCLUDED.created_at
           WHERE d.created_at < EXCLUDED.created_at - make_interval(secs => $4)
         RETURNING d.key, d.message_id, d.created_at
       )
       SELECT key, message_id, created_at, true AS claimed, false AS published FROM claimed
       UNION ALL
       SELECT d.key, d.message_id, d.created_at, false, d.published
       FROM inbound_dedup d JOIN input USING (key)
       WHERE d.key NOT IN (SELECT key FROM claimed)`,
      [
        unique.map((r) => r.key),
        unique.map((r) => r.candidateId),
        unique.map((r) => r.now),
        this.windowSeconds,
      ],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    // A key claimed concurrently by another transaction is invisible to this statement's snapshot:
    // ask again for those (rare).
    const missing = unique.filter((request) => !byKey.has(request.key));
    if (missing.length > 0) {
      const retried = await this.claimMany(missing);
      missing.forEach((request, index) => byKey.set(request.key, toRow(request.key, retried[index])));
    }
    return requests.map((request) => {
      const row = byKey.get(request.key)!;
      // The same message twice in one batch: the second is a duplicate of the first.
      const mine = first.get(request.key) === request;
      return {
        messageId: row.message_id,
        receivedAt: row.created_at,
        claimed: row.claimed && mine,
        published: row.published,
      };
    });
  }

  isPublishedHere(key: string): boolean {
    return this.publishedHere.has(key);
  }

  markPublished(key: string): void {
    this.publishedHere.add(key);
    this.pendingPublished.push(key);
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const keys = this.pendingPublished;
    if (keys.length === 0) return;
    this.pendingPublished = [];
    try {
      await this.dataSource.query(`UPDATE inbound_dedup SET published = true WHERE key = ANY($1)`, [keys]);
      for (const key of keys) this.publishedHere.delete(key);
    } catch (error) {
      this.pendingPublished.push(...keys);
      this.logger.warn(`could not mark ${keys.length} inbound keys published: ${(error as Error).message}`);
    }
  }

  private async cleanup(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM inbound_dedup WHERE created_at < now() - make_interval(secs => $1)`,
        [this.windowSeconds * 2],
      );
    } catch (error) {
      this.logger.warn(`inbound dedup cleanup failed: ${(error as Error).message}`);
    }
  }
}
