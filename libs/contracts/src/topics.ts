/**
 * Kafka topics: the API between smsgate's services.
 *
 * A published topic name or payload field is never changed or removed: a breaking change gets a new
 * topic with the next version suffix (`.v2`), produced alongside the old one until its readers moved.
 */
export const Topics = {
  outboundRequested: 'sms.outbound.requested.v1',
  inboundReceived: 'sms.inbound.received.v1',
  outboundStatus: 'sms.outbound.status.v1',
  receiptReceived: 'sms.outbound.receipt.v1',
  smppSubmitRequested: 'sms.outbound.smpp.v1',
  messageStatusChanged: 'sms.message.status-changed.v1',
  deadLetter: 'sms.deadletter.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/**
 * Partition counts, fixed when the topics are created at boot. Messages are keyed so that one
 * message's events (or one channel's traffic) stay in order on one partition; the count bounds how
 * many consumers of a group work in parallel. Growing a count re-maps keys: see docs/operations.md.
 */
export const TopicPartitions: Record<Topic, number> = {
  'sms.outbound.requested.v1': 12,
  'sms.inbound.received.v1': 12,
  'sms.outbound.status.v1': 12,
  'sms.outbound.receipt.v1': 12,
  'sms.outbound.smpp.v1': 12,
  'sms.message.status-changed.v1': 12,
  'sms.deadletter.v1': 3,
};

/**
 * A consumer group's retry topic for events whose attempt `attempt` failed: one topic per retry delay,
 * so every event in a topic waits the same time and none waits behind a longer delay than its own.
 */
export const retryTopicOf = (group: string, attempt: number): string => `smsgate.retry.${group}.${attempt}`;
export const RETRY_TOPIC_PARTITIONS = 3;
