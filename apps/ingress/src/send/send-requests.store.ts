import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { OutboundRequestedV1 } from '@smsgate/contracts';
import { SendRequestsRepository } from '@smsgate/db';
import { IntervalTask } from '@smsgate/runtime';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import type { DestinationResult } from './send-messages.use-case';

export interface PlannedSend {
  results: DestinationResult[];
  events: OutboundRequestedV1[];
}

export type SendClaim =
  /** First of its key within the window: the caller publishes. */
  | { kind: 'claimed' }
  /** A repeat of a request Kafka took: its answer again. */
  | { kind: 'accepted'; planned: PlannedSend }
  /** A repeat of a request whose publish was not confirmed (or is still under way `ageMs` later). */
  | { kind: 'unsettled'; planned: PlannedSend; ageMs: number }
  /** The key came with another request. */
  | { kind: 'mismatch' };

/**
 * Send requests a client may repeat, by workspace and key, for SEND_REPEAT_WINDOW_SECONDS. Kept in
 * PostgreSQL so a repeat is recognised after a restart and by any ingress replica.
 */
@Injectable()
export class SendRequestsStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SendRequestsStore.name);
  private readonly windowSeconds: number;
  private readonly cleanup = new IntervalTask(
    'send request cleanup',
    600_000,
    () => this.requests.deleteOlderThan(this.windowSeconds),
    { logger: this.logger },
  );

  constructor(
    private readonly requests: SendRequestsRepository,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
  ) {
    this.windowSeconds = config.SEND_REPEAT_WINDOW_SECONDS;
  }

  onModuleInit(): void {
    this.cleanup.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.cleanup.stop();
  }

  /** Claims the key for this request (or takes over one older than the window), else reads it. */
  async claim(workspace: string, key: string, fingerprint: string, planned: PlannedSend): Promise<SendClaim> {
    for (let tries = 0; ; tries++) {
      const row = await this.requests.claim<DestinationResult, OutboundRequestedV1>(
        { workspaceId: workspace, key, fingerprint, results: planned.results, events: planned.events },
        this.windowSeconds,
      );
      if (row?.claimed) return { kind: 'claimed' };
      if (row) {
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        const stored = { results: row.results ?? [], events: row.events ?? [] };
        return row.state === 'accepted'
          ? { kind: 'accepted', planned: stored }
          : { kind: 'unsettled', planned: stored, ageMs: row.age_ms ?? 0 };
      }
      // Claimed by a concurrent request whose row this statement's snapshot could not see: read again.
      if (tries >= 3) throw new Error(`send request ${key} could be neither claimed nor read`);
    }
  }

  /**
   * Kafka took the request's events. If this write is lost, a repeat publishes the same events again,
   * which consumers apply once: the answer does not wait for it to succeed.
   */
  async markAccepted(workspace: string, key: string): Promise<void> {
    try {
      await this.requests.markAccepted(workspace, key);
    } catch (error) {
      this.logger.warn(`could not mark send request accepted: ${(error as Error).message}`);
    }
  }
}
