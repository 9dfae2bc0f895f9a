import { Injectable } from '@nestjs/common';
import { MicroBatcher } from '@smsgate/runtime';
import { DataSource } from 'typeorm';
import type { SendResult } from '../adapters/channel-adapter';

export type AttemptStart =
  | { kind: 'new' }
  | { kind: 'finished'; result: SendResult }
  | { kind: 'interrupted' };

interface Begin {
  messageId: string;
  attempt: number;
  channelId: string;
}

interface Finish {
  messageId: string;
  attempt: number;
  result: SendResult;
}

/**
 * Records each send attempt before the provider is called and its result after. A request replayed
 * after a crash finds its attempt: finished → its result is published again without sending; still
 * 'sending' → the crash hit while the provider was being called, so it is sent again (the documented
 * at-least-once window: one attempt's request may reach a provider twice).
 *
 * Concurrent sends share round trips: begins and finishes arriving while one is running go together
 * in the next statement.
 */
@Injectable()
export class AttemptLedger {
  private readonly begins = new MicroBatcher<Begin, AttemptStart>((items) => this.beginMany(items), {
    maxBatch: 500,
    maxInFlight: 2,
  });
  private readonly finishes = new MicroBatcher<Finish, void>((items) => this.finishMany(items), {
    maxBatch: 500,
    maxInFlight: 2,
  });

  constructor(private readonly dataSource: DataSource) {}

  begin(messageId: string, attempt: number, channelId: string): Promise<AttemptStart> {
    return this.begins.submit({ messageId, attempt, channelId });
  }

  finish(messageId: string, attempt: number, result: SendResult): Promise<void> {
    return this.finishes.submit({ messageId, attempt, result });
  }

  private async beginMany(items: Begin[]): Promise<AttemptStart[]> {
    // One statement may not touch a row twice: a repeated key within the batch sees the first's row.
    const unique = [...new Map(items.map((item) => [keyOf(item), item])).values()];
    const rows = await this.dataSource.query<
      { message_id: string; attempt: number; state: string; result: SendResult | null; inserted: boolean }[]
    >(
      `INSERT INTO dispatch_attempts AS a (message_id, attempt, channel_id, state, started_at)
       SELECT m, n, c, 'sending', now() FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS u(m, n, c)
       ON CONFLICT (message_id, attempt) DO UPDATE SET started_at = a.started_at
       RETURNING message_id, attempt, state, result, (xmax = 0) AS inserted`,
      [unique.map((i) => i.messageId), unique.map((i) => i.attempt), unique.map((i) => i.channelId)],
    );
    const byKey = new Map(rows.map((row) => [`${row.message_id}:${row.attempt}`, row]));
    const seen = new Set<string>();
    return items.map((item) => {
      const key = keyOf(item);
      const row = byKey.get(key);
      if (!row) throw new Error(`attempt ${key} was not recorded`);
      const first = !seen.has(key);
      seen.add(key);
      if (row.inserted && first) return { kind: 'new' };
      return row.state === 'done' && row.result
        ? { kind: 'finished', result: row.result }
        : { kind: 'interrupted' };
    });
  }

  private async finishMany(items: Finish[]): Promise<void[]> {
    await this.dataSource.query(
      `UPDATE dispatch_attempts AS a SET state = 'done', result = u.r, finished_at = now()
       FROM unnest($1::uuid[], $2::int[], $3::jsonb[]) AS u(m, n, r)
       WHERE a.message_id = u.m AND a.attempt = u.n`,
      [
        items.map((i) => i.messageId),
        items.map((i) => i.attempt),
        items.map((i) => JSON.stringify(i.result)),
      ],
    );
    return items.map(() => undefined);
  }
}

const keyOf = (item: { messageId: string; attempt: number }) => `${item.messageId}:${item.attempt}`;
