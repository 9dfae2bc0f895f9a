import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { secretsEnv, serviceEnv } from '@smsgate/runtime';

/** The variables every smsgate service reads: its port and logs, Kafka, PostgreSQL and the secrets key. */
export const smsgateServiceEnv = (defaultPort: number) =>
  serviceEnv(defaultPort).extend(kafkaEnv.shape).extend(dbEnv.shape).extend(secretsEnv.shape);
