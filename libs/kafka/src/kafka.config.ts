import { z } from 'zod';

/** Environment fragment shared by every service that talks to Kafka. */
export const kafkaEnv = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'is required (host:port[,host:port…])' })
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port…]')
    .describe('`host:port[,host:port…]`'),
  KAFKA_CLIENT_ID: z.string().min(1).optional().describe('Kafka client id; unset: `smsgate-<service>`'),
  KAFKA_PUBLISH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe(
      'how long a request waits for Kafka to acknowledge a publish: then send APIs answer 504 outcome ' +
        'unknown, inbound posts 503',
    ),
  /**
   * How long the group coordinator waits for a silent member before handing its partitions to the
   * others: after a SIGKILL, the time until the partitions are consumed again. Kafka refuses less than
   * its group.min.session.timeout.ms (6 s by default).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(300_000)
    .default(6_000)
    .describe(
      'consumers (all but ingress): one silent this long (killed, hung) loses its partitions to the others: ' +
        "the time until a dead replica's work resumes. Kafka refuses less than its " +
        '`group.min.session.timeout.ms` (6 s by default)',
    ),
  /**
   * How often a consumer heartbeats (kafkajs only while asked: after each batch and during handlers).
   * A third of the session timeout, Kafka's guidance: each heartbeat wakes an idle service (every
   * second, a third of an idle consumer's CPU), and a member learns of a rebalance at its next one.
   */
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(10_000)
    .default(2_000)
    .describe('consumers (all but ingress): heartbeat interval, at most a third of the session timeout'),
});
export type KafkaEnv = z.infer<typeof kafkaEnv>;

/** The consumer group timings of a service's KafkaEventServer, from its environment. */
export const consumerTimingsFrom = (env: KafkaEnv) => ({
  sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
  heartbeatIntervalMs: Math.min(
    env.KAFKA_HEARTBEAT_INTERVAL_MS,
    Math.floor(env.KAFKA_SESSION_TIMEOUT_MS / 3),
  ),
});

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
