import { Topic, TopicPartitions } from '@smsgate/contracts';
import { ensureTopics } from '@smsgate/kafka';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { waitFor } from './wait-for';

const kafkaOf = (brokers: string) =>
  new Kafka({ clientId: 'smsgate-test-groups', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/**
 * Commits offsets at the current end of every contract topic for new consumer groups, so services
 * started with those groups handle only what a test publishes from now on (a new group would otherwise
 * read the shared test topics from the beginning). One short-lived member per group commits them all:
 * admin.setOffsets() would join the group once per topic, and admin.resetOffsets() commits a "latest"
 * sentinel that consumers read as "no offset".
 */
export async function startGroupsAtEnd(brokers: string, groupIds: string[]): Promise<void> {
  const kafka = kafkaOf(brokers);
  const topics = Object.keys(TopicPartitions) as Topic[];
  // A fresh broker (a bench's first run) has no topics yet: the groups start at their (empty) ends.
  await ensureTopics(kafka);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(
    topics.map(async (topic) => ({
      topic,
      // Just created, a partition may have no leader for a moment (NOT_LEADER_FOR_PARTITION).
      partitions: (await withRetries(() => admin.fetchTopicOffsets(topic))).map(({ partition, high }) => ({
        partition,
        offset: high,
      })),
    })),
  );
  await admin.disconnect();
  await Promise.all(
    groupIds.map(async (groupId) => {
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.connect();
      try {
        await consumer.subscribe({ topics, fromBeginning: false });
        await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
        await waitFor(() => joined, { message: `a member of ${groupId}` });
        await consumer.commitOffsets(
          ends.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))),
        );
      } finally {
        await consumer.disconnect();
      }
    }),
  );
}

async function withRetries<T>(work: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A new consumer group id (`<prefix>-<uuid>`) whose offsets start at the end of every contract topic. */
export async function freshGroupAtEnd(brokers: string, prefix: string): Promise<string> {
  const groupId = `${prefix}-${randomUUID()}`;
  await startGroupsAtEnd(brokers, [groupId]);
  return groupId;
}

/** Waits until `groupId` is stable with exactly `members` members, each assigned some partitions. */
export async function waitForGroupMembers(
  brokers: string,
  groupId: string,
  members: number,
): Promise<Record<string, Record<string, number[]>>> {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  try {
    return await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        const group = groups[0];
        if (group?.state !== 'Stable' || group.members.length !== members) return undefined;
        const assignments = Object.fromEntries(
          group.members.map((member) => [
            member.clientHost + member.memberId,
            AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
          ]),
        );
        const everyoneHasWork = Object.values(assignments).every((assignment) =>
          Object.values(assignment).some((partitions) => partitions.length > 0),
        );
        return everyoneHasWork ? assignments : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: `${members} members with partitions in ${groupId}` },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Events a service's consumer settled for `topic` in `group` (any outcome), from its /metrics text. */
export function consumedEvents(metrics: string, topic: string, group: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('smsgate_consumer_events_total{')) continue;
    if (line.includes(`topic="${topic}"`) && line.includes(`group="${group}"`))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
