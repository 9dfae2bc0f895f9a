import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SendResult } from '../adapters/channel-adapter';

export type AttemptStart =
  | { kind: 'new' }
  | { kind: 'finished'; result: SendResult }
  | { kind: 'interrupted' };

/**
 * Records each send attempt before the provider is called and its result after. A request replayed
 * after a crash finds its attempt: finished → its result is published again without sending; still
 * 'sending' → the crash hit while the provider was being called, so it is sent again (the documented
 * at-least-once window: one attempt's request may reach a provider twice).
 */
@Injectable()
export class AttemptLedger {
  constructor(private readonly dataSource: DataSource) {}

  async begin(messageId: string, attempt: number, channelId: string): Promise<AttemptStart> {
    const [row] = await this.dataSource.query<
      { state: string; result: SendResult | null; inserted: boolean }[]
    >(
      `INSERT INTO dispatch_attempts AS a (message_id, attempt, channel_id, state, started_at)
       VALUES ($1, $2, $3, 'sending', now())
       ON CONFLICT (message_id, attempt) DO UPDATE SET started_at = a.started_at
       RETURNING state, result, (xmax = 0) AS inserted`,
      [messageId, attempt, channelId],
    );
    if (row.inserted) return { kind: 'new' };
    return row.state === 'done' && row.result
      ? { kind: 'finished', result: row.result }
      : { kind: 'interrupted' };
  }

  async finish(messageId: string, attempt: number, result: SendResult): Promise<void> {
    await this.dataSource.query(
      `UPDATE dispatch_attempts SET state = 'done', result = $3, finished_at = now() WHERE message_id = $1 AND attempt = $2`,
      [messageId, attempt, JSON.stringify(result)],
    );
  }
}
