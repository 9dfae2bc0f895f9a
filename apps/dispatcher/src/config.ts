import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { loadConfig, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const dispatcherEnv = serviceEnv(8081).extend(kafkaEnv.shape).extend(dbEnv.shape);
export type DispatcherConfig = z.output<typeof dispatcherEnv>;
export const dispatcherConfig = (): DispatcherConfig => loadConfig('dispatcher', dispatcherEnv);
