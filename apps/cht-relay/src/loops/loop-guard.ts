import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';
import { ChtLoopCountersRepository } from '@smsgate/db';
import { EntityManager } from 'typeorm';
import { CHT_RELAY_CONFIG, type ChtRelayConfig } from '../config';

export const MESSAGE_LOOP_REASON = 'message loop detected';

const loops = new Counter({
  name: 'smsgate_cht_message_loops_total',
  help: 'Messages cht-relay stopped relaying because they repeat in a loop with one number',
  labelNames: ['direction'],
});

export interface Exchange {
  workspaceId: string;
  /** The other side's number. */
  address: string;
  direction: 'in' | 'out';
  text: string;
}

/**
 * An auto-responder on the other side can bounce messages with CHT forever. Counts identical messages
 * with one number in one direction within a fixed window (LOOP_WINDOW_SECONDS); beyond
 * LOOP_MAX_EXCHANGES the message is a loop and is not relayed. One upsert per message, atomic across
 * processes.
 */
@Injectable()
export class LoopGuard {
  constructor(
    private readonly counters: ChtLoopCountersRepository,
    @Inject(CHT_RELAY_CONFIG) private readonly config: ChtRelayConfig,
  ) {}

  /**
   * Counts the exchange; true when it is one too many (and counts it in the metric). Inside a
   * transaction pass its manager: waiting for a second pooled connection could exhaust the pool.
   */
  async isLoop(exchange: Exchange, manager?: EntityManager): Promise<boolean> {
    const hash = createHash('sha256').update(exchange.text.trim().toLowerCase()).digest('hex').slice(0, 32);
    const count = await this.counters.increment(
      {
        workspaceId: exchange.workspaceId,
        address: exchange.address,
        direction: exchange.direction,
        textHash: hash,
      },
      this.config.LOOP_WINDOW_SECONDS,
      manager,
    );
    const loop = count > this.config.LOOP_MAX_EXCHANGES;
    if (loop) loops.inc({ direction: exchange.direction });
    return loop;
  }
}
