import { dbEnv } from '@smsgate/db';
import { kafkaEnv } from '@smsgate/kafka';
import { loadConfig, serviceEnv } from '@smsgate/runtime';
import { z } from 'zod';

export const chtRelayEnv = serviceEnv(8084).extend(kafkaEnv.shape).extend(dbEnv.shape);
export type ChtRelayConfig = z.output<typeof chtRelayEnv>;
export const chtRelayConfig = (): ChtRelayConfig => loadConfig('cht-relay', chtRelayEnv);
