import { z } from 'zod';

/** Environment fragment shared by every service that talks to Kafka. */
export const kafkaEnv = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'is required (host:port[,host:port…])' })
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port…]'),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Milliseconds a caller waits for Kafka to acknowledge a publish before answering 503. */
  KAFKA_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});
export type KafkaEnv = z.infer<typeof kafkaEnv>;

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  publishTimeoutMs?: number;
}

export const kafkaSettingsFrom = (env: KafkaEnv, service: string): KafkaSettings => ({
  brokers: env.KAFKA_BROKERS.split(','),
  clientId: env.KAFKA_CLIENT_ID ?? `smsgate-${service}`,
  publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
});
