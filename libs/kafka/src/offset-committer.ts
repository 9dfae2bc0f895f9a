import { MicroBatcher } from '@smsgate/runtime';
import { EachBatchPayload } from 'kafkajs';

interface PendingCommit {
  payload: EachBatchPayload;
  topic: string;
  partition: number;
  /** The next offset to read: the last one handled + 1. */
  next: bigint;
}

/**
 * Commits handled offsets, one OffsetCommit request for every partition that finished while the
 * previous request was on the wire: with small batches (one message per request upstream) a commit
 * per partition batch was a broker round trip per message. Each caller still waits for the request
 * that carried its offset, so a batch returns only once committed.
 *
 * Commits go through a batch (`commitOffsetsIfNecessary` with offsets), not `consumer.commitOffsets()`:
 * that one silently does nothing once the consumer is stopping, which would lose the commit of the
 * batch that close() lets finish. Any batch of the consumer will do: they share its group.
 */
export class OffsetCommitter {
  private readonly batcher = new MicroBatcher<PendingCommit, void>(
    async (pending) => {
      const highest = new Map<string, PendingCommit>();
      for (const item of pending) {
        const key = `${item.partition}|${item.topic}`;
        const seen = highest.get(key);
        if (!seen || item.next > seen.next) highest.set(key, item);
      }
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, next } of highest.values()) {
        const partitions = byTopic.get(topic) ?? [];
        partitions.push({ partition, offset: next.toString() });
        byTopic.set(topic, partitions);
      }
      await pending[pending.length - 1].payload.commitOffsetsIfNecessary({
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
      return pending.map(() => undefined);
    },
    { maxBatch: 10_000, maxInFlight: 1 },
  );

  commit(payload: EachBatchPayload, topic: string, partition: number, lastOffset: string): Promise<void> {
    return this.batcher.submit({ payload, topic, partition, next: BigInt(lastOffset) + 1n });
  }
}
