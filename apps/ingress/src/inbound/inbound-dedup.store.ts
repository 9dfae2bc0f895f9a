import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
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

  async claim(key: string, candidateId: string, now: Date): Promise<Claim> {
    const rows = await this.dataSource.query<{ message_id: string; created_at: Date }[]>(
      `INSERT INTO inbound_dedup AS d (key, message_id, published, created_at)
       VALUES ($1, $2, false, $3)
       ON CONFLICT (key) DO UPDATE SET message_id = EXCLUDED.message_id, published = false, created_at = EXCLUDED.created_at
         WHERE d.created_at < EXCLUDED.created_at - make_interval(secs => $4)
       RETURNING message_id, created_at`,
      [key, candidateId, now, this.windowSeconds],
    );
    if (rows.length > 0)
      return {
        messageId: rows[0].message_id,
        receivedAt: rows[0].created_at,
        claimed: true,
        published: false,
      };
    const [existing] = await this.dataSource.query<
      { message_id: string; created_at: Date; published: boolean }[]
    >(`SELECT message_id, created_at, published FROM inbound_dedup WHERE key = $1`, [key]);
    // Removed between the two statements (it had expired): claim again.
    if (!existing) return this.claim(key, candidateId, now);
    return {
      messageId: existing.message_id,
      receivedAt: existing.created_at,
      claimed: false,
      published: existing.published,
    };
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
