// smsgate's own interface to Kafka; kafkajs stays behind it (lint keeps it out of the apps).
// Configuration and the client (tests and tools make their own from settings):
export {
  consumerTimingsFrom,
  kafkaEnv,
  kafkaSettingsFrom,
  type KafkaEnv,
  type KafkaSettings,
} from './kafka.config';
export { createKafka } from './create-kafka';
export { KafkaHealth, KafkaModule } from './kafka.module';
// Admin:
export { contractTopics, ensureTopics, type TopicSpec } from './ensure-topics';
export * from './dead-letter-replay';
export { DeadLetters } from './dead-letters';
// Publish:
export * from './event-publisher';
export { partitionOfKey } from './partitioner';
// Consume a batch with outcomes:
export * from './outcome';
export * from './consumed-batch';
export * from './batch-consumer';
export { KafkaEventServer, type KafkaEventServerOptions } from './kafka-event.server';
