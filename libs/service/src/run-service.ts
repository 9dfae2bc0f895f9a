import { INestApplication } from '@nestjs/common';
import { DatabaseHealth } from '@smsgate/db';
import {
  consumerTimingsFrom,
  KafkaEnv,
  KafkaEventServer,
  KafkaEventServerOptions,
  KafkaHealth,
} from '@smsgate/kafka';
import { runService, ServiceConfig, ServiceDefinition } from '@smsgate/runtime';

/** A consuming service's own variables: its group and the delays of its retry topic. */
export interface ConsumerEnv {
  KAFKA_GROUP_ID: string;
  RETRY_DELAYS_MS: number[];
}

/** What a consumer sets beyond its group, retry delays and group timings, which come from its config. */
export type ConsumerTuning = Omit<
  KafkaEventServerOptions,
  'groupId' | 'retryDelaysMs' | 'sessionTimeoutMs' | 'heartbeatIntervalMs'
>;

export interface SmsgateServiceDefinition<C extends ServiceConfig & KafkaEnv>
  extends Omit<ServiceDefinition<C>, 'readiness' | 'consumer'> {
  /** Set when the service consumes: `{}`, or the options it tunes. */
  consumer?: C extends ConsumerEnv
    ? ConsumerTuning | ((app: INestApplication, config: C) => ConsumerTuning)
    : never;
}

/** Runs an smsgate service: ready while Kafka and PostgreSQL answer (and its consumer, if any, joined). */
export function runSmsgateService<C extends ServiceConfig & KafkaEnv>({
  consumer,
  ...definition
}: SmsgateServiceDefinition<C>): Promise<void> {
  return runService<C>({
    ...definition,
    readiness: { kafka: KafkaHealth, postgres: DatabaseHealth },
    consumer:
      consumer &&
      ((app, config) => {
        const { KAFKA_GROUP_ID, RETRY_DELAYS_MS } = config as C & ConsumerEnv;
        return KafkaEventServer.forApp(app, {
          groupId: KAFKA_GROUP_ID,
          ...consumerTimingsFrom(config),
          retryDelaysMs: RETRY_DELAYS_MS,
          ...(typeof consumer === 'function' ? consumer(app, config) : consumer),
        });
      }),
  });
}
