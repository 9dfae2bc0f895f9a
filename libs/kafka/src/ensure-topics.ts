import { Topic, TopicPartitions } from '@smsgate/contracts';
import { Admin, ITopicConfig, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

export const contractTopics = (): TopicSpec[] =>
  (Object.entries(TopicPartitions) as [Topic, number][]).map(([topic, numPartitions]) => ({
    topic,
    numPartitions,
  }));

/**
 * Creates every contract topic (plus `extra`) with its explicit partition count, before any consumer
 * subscribes: kafkajs cannot subscribe to a topic that does not exist yet, and the broker is configured
 * not to create topics on first use. Safe to run from several services at once.
 */
export async function ensureTopics(kafka: Kafka, extra: TopicSpec[] = []): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [...contractTopics(), ...extra];
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = wanted
      .filter(({ topic }) => !existing.has(topic))
      .map(({ topic, numPartitions }) => ({ topic, numPartitions, replicationFactor: -1 }));
    let createError: unknown;
    if (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: true });
      } catch (error) {
        // Another service created some of them between our list and create, or the new topics are not
        // in the metadata yet (kafkajs waits out LEADER_NOT_AVAILABLE, not UNKNOWN_TOPIC_OR_PARTITION):
        // fine if they all have leaders in a moment.
        createError = error;
      }
    }
    await waitForLeaders(
      admin,
      wanted.map(({ topic }) => topic),
    ).catch((error: unknown) => {
      throw createError ?? error;
    });
  } finally {
    await admin.disconnect();
  }
}

/** Metadata can lag creation by a moment (more so when another service created the topic). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (
        metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
