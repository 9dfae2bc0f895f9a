import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { loadConfig, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const smppBindsEnv = serviceEnv(8082).extend(kafkaEnv.shape).extend(dbEnv.shape);
export type SmppBindsConfig = z.output<typeof smppBindsEnv>;
export const smppBindsConfig = (): SmppBindsConfig => loadConfig('smpp-binds', smppBindsEnv);
