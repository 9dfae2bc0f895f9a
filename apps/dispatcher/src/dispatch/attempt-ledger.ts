import { Injectable, Logger } from '@nestjs/common';
import { MicroBatcher, untilDone, warnSometimes } from '@smsgate/runtime';
import { AttemptBegin, AttemptFinish, DispatchAttemptsRepository } from '@smsgate/db';
import type { SendResult } from '@smsgate/channel-config';

export type AttemptStart =
  /** `partsDelivered`: requests of a split text an earlier attempt on the same channel got through. */
  | { kind: 'new'; partsDelivered?: number }
  /** `attempt`: the attempt whose result it is (an earlier one the provider accepted, or this one). */
  | { kind: 'finished'; result: SendResult; attempt: number }
  | { kind: 'interrupted' };

/**
 * Records each send attempt before the provider is called and its result after. A request replayed
 * after a crash finds its attempt: finished → its result is published again without sending; still
 * 'sending' → the crash hit while the provider was being called, so it is sent again (the documented
 * at-least-once window: one attempt's request may reach a provider twice). A later attempt of a
 * message an earlier attempt already delivered to the provider (its status could not be published,
 * so the consumer retried it) finds that attempt's result and sends nothing.
 *
 * A provider's answer is recorded whatever it takes: a failing write is repeated (PostgreSQL
 * restarting) rather than given up, which would send the message again.
 *
 * Concurrent sends share round trips: begins and finishes arriving while one is running go together
 * in the next statement.
 */
@Injectable()
export class AttemptLedger {
  private readonly begins = new MicroBatcher<AttemptBegin, AttemptStart>((items) => this.beginMany(items), {
    maxBatch: 500,
    maxInFlight: 2,
  });
  private readonly finishes = new MicroBatcher<AttemptFinish<SendResult>, void>(
    (items) => this.finishMany(items),
    {
      maxBatch: 500,
      maxInFlight: 2,
    },
  );

  private readonly logger = new Logger(AttemptLedger.name);

  constructor(private readonly attempts: DispatchAttemptsRepository) {}

  begin(messageId: string, attempt: number, channelId: string): Promise<AttemptStart> {
    return this.begins.submit({ messageId, attempt, channelId });
  }

  finish(messageId: string, attempt: number, result: SendResult): Promise<void> {
    return untilDone(() => this.finishes.submit({ messageId, attempt, result }), {
      onFailure: warnSometimes(
        (line) => this.logger.warn(line),
        `recording the provider's answer to ${messageId} attempt ${attempt}`,
        'the message is not sent again',
      ),
    });
  }

  private async beginMany(items: AttemptBegin[]): Promise<AttemptStart[]> {
    // One statement may not touch a row twice: a repeated key within the batch sees the first's row.
    const unique = [...new Map(items.map((item) => [keyOf(item), item])).values()];
    const rows = await this.attempts.begin<SendResult>(unique);
    const byKey = new Map(rows.filter((row) => !row.earlier).map((row) => [keyOf(rowKey(row)), row]));
    const earlier = new Map(rows.filter((row) => row.earlier).map((row) => [row.message_id, row]));
    const seen = new Set<string>();
    return items.map((item) => {
      const delivered = earlier.get(item.messageId);
      if (delivered?.result)
        return { kind: 'finished', result: delivered.result, attempt: delivered.attempt };
      const key = keyOf(item);
      const row = byKey.get(key);
      if (!row) throw new Error(`attempt ${key} was not recorded`);
      const first = !seen.has(key);
      seen.add(key);
      if (row.inserted && first)
        return row.parts ? { kind: 'new', partsDelivered: row.parts } : { kind: 'new' };
      return row.state === 'done' && row.result
        ? { kind: 'finished', result: row.result, attempt: row.attempt }
        : { kind: 'interrupted' };
    });
  }

  private async finishMany(items: AttemptFinish<SendResult>[]): Promise<void[]> {
    await this.attempts.finish(items);
    return items.map(() => undefined);
  }
}

const keyOf = (item: { messageId: string; attempt: number }) => `${item.messageId}:${item.attempt}`;
const rowKey = (row: { message_id: string; attempt: number }) => ({
  messageId: row.message_id,
  attempt: row.attempt,
});
