import { Topic, TopicPartitions } from '@smsgate/contracts';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

const kafkaOf = (brokers: string) =>
  new Kafka({ clientId: 'smsgate-test-groups', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/**
 * Commits offsets at the current end of every contract topic for new consumer groups, so services
 * started with those groups handle only what a test publishes from now on (a new group would otherwise
 * read the shared test topics from the beginning).
 */
export async function startGroupsAtEnd(brokers: string, groupIds: string[]): Promise<void> {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  try {
    for (const topic of Object.keys(TopicPartitions) as Topic[]) {
      // The real end offsets: resetOffsets() would commit the "latest" sentinel (-1), which a consumer
      // reads as "no offset" and then starts from the beginning.
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
      for (const groupId of groupIds) await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
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
