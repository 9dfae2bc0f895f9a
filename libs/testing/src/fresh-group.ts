import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * A consumer group id, new to the broker, whose offsets start where the topics end now: a service
 * started with it sees only what the test produces, not the shared topics' history (other suites'
 * messages would otherwise be replayed first, retries and all).
 */
export async function freshGroupAtEnd(
  brokers: string,
  prefix: string,
  topics: readonly string[],
): Promise<string> {
  const groupId = `${prefix}-${randomUUID()}`;
  const admin = new Kafka({
    brokers: brokers.split(','),
    clientId: 'smsgate-test-groups',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
  return groupId;
}
