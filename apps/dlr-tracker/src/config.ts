import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { loadConfig, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const dlrTrackerEnv = serviceEnv(8083)
  .extend(kafkaEnv.shape)
  .extend(dbEnv.shape)
  .extend({
    KAFKA_GROUP_ID: z.string().min(1).default('dlr-tracker'),
    /** Comma-separated retry delays in ms; attempts = delays + 1, then the dead-letter topic. */
    RETRY_DELAYS_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
      .default('1000,5000,30000,120000')
      .transform((value) => value.split(',').map(Number)),
  });

export type DlrTrackerConfig = z.output<typeof dlrTrackerEnv>;
export const dlrTrackerConfig = (): DlrTrackerConfig => loadConfig('dlr-tracker', dlrTrackerEnv);
