import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { IntervalTask, MicroBatcher } from '@smsgate/runtime';
import { InboundClaimRequest, InboundClaimRow, InboundDedupRepository } from '@smsgate/db';
import { INGRESS_CONFIG, IngressConfig } from '../config';

export interface Claim {
  messageId: string;
  receivedAt: Date;
  /** True when this call claimed the key: the caller must publish. */
  claimed: boolean;
  published: boolean;
}

const FLUSH_EVERY_MS = 25;

const toRow = (key: string, claim: Claim): InboundClaimRow => ({
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
  private readonly windowSeconds: number;
  private readonly claims = new MicroBatcher<InboundClaimRequest, Claim>(
    (requests) => this.claimMany(requests),
    {
      maxBatch: 500,
      maxInFlight: 1,
    },
  );
  private readonly cleanup = new IntervalTask(
    'inbound dedup cleanup',
    60_000,
    () => this.dedup.deleteOlderThan(this.windowSeconds * 2),
    { logger: this.logger },
  );

  constructor(
    private readonly dedup: InboundDedupRepository,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
  ) {
    this.windowSeconds = config.INBOUND_DEDUP_WINDOW_SECONDS;
  }

  onModuleInit(): void {
    this.cleanup.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cleanup.stop();
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  /** Claims go to the database in batches: one round trip serves every request that arrived meanwhile. */
  claim(key: string, candidateId: string, now: Date): Promise<Claim> {
    return this.claims.submit({ key, candidateId, now });
  }

  private async claimMany(requests: InboundClaimRequest[]): Promise<Claim[]> {
    const first = new Map<string, InboundClaimRequest>();
    for (const request of requests) if (!first.has(request.key)) first.set(request.key, request);
    const unique = [...first.values()];
    // One statement: claim new (or expired) keys; for the others read what is there.
    const rows = await this.dedup.claimMany(unique, this.windowSeconds);
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
      await this.dedup.markPublished(keys);
      for (const key of keys) this.publishedHere.delete(key);
    } catch (error) {
      this.pendingPublished.push(...keys);
      this.logger.warn(`could not mark ${keys.length} inbound keys published: ${(error as Error).message}`);
    }
  }
}
