import { Injectable, Logger } from '@nestjs/common';
import { Topics, TopicPartitions } from '@smsgate/contracts';
import { partitionOfKey } from '@smsgate/kafka';

const SMPP_TOPIC = Topics.smppSubmitRequested;

/** The partition of `sms.outbound.smpp.v1` a channel's messages go to (they are keyed by channel). */
export function partitionOfChannel(channelId: string): number {
  return partitionOfKey(channelId, TopicPartitions[SMPP_TOPIC]);
}

/**
 * Which channels this replica holds binds for: those whose partition of `sms.outbound.smpp.v1` the
 * consumer group assigned to it. The replica that consumes a channel's messages is the one that
 * holds its binds, so replicas never open binds for the same channel (beyond the moment of a
 * rebalance), and a replica that dies hands its channels over with its partitions.
 */
@Injectable()
export class Ownership {
  private readonly logger = new Logger(Ownership.name);
  private partitions = new Set<number>();
  private readonly listeners: (() => void)[] = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  assign(assignment: Record<string, number[]>): void {
    this.partitions = new Set(assignment[SMPP_TOPIC] ?? []);
    this.logger.log(
      `owning partitions [${[...this.partitions].sort((a, b) => a - b).join(',')}] of ${SMPP_TOPIC}`,
    );
    for (const listener of this.listeners) listener();
  }

  owns(channelId: string): boolean {
    return this.partitions.has(partitionOfChannel(channelId));
  }

  get owned(): number[] {
    return [...this.partitions];
  }
}
