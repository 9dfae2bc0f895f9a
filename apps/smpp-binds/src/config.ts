import { loadConfig, millisecondsList } from '@smsgate/runtime';
import { smsgateServiceEnv } from '@smsgate/service';
import { z } from 'zod';

const whole = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const smppBindsEnv = smsgateServiceEnv(8082).extend({
  ADMIN_TOKEN: z
    .string({ error: 'is required (bearer token for GET /v1/binds)' })
    .min(16, 'must be at least 16 characters')
    .describe('bearer token of `GET /v1/binds`, at least 16 characters'),
  KAFKA_GROUP_ID: z
    .string()
    .min(1)
    .default('smpp-binds')
    .describe('consumer group; binds follow its partition assignment'),
  RETRY_DELAYS_MS: millisecondsList('5000,30000,120000,600000').describe(
    'delays (ms) before the retries of a message whose channel had no bind; then `failed` and the dead-letter topic',
  ),
  RECONCILE_INTERVAL_MS: whole(100, 300_000, 5_000).describe(
    'how often the channels table is read to open, re-open and close binds',
  ),
  BIND_REPORT_INTERVAL_MS: whole(100, 600_000, 5_000).describe(
    "how often this replica reports its binds to PostgreSQL (smsc_bind_reports: the console's view of every replica)",
  ),
  SUBMIT_HOLD_MS: whole(100, 600_000, 30_000).describe(
    'how long a message waits for a bind of its channel before it goes to the retry topic',
  ),
  SUBMIT_CONCURRENCY: whole(1, 10_000, 1_000).describe(
    "messages of a consumed batch submitted at once (the binds' windows and tps pace them)",
  ),
  MO_PARTS_TIMEOUT_SECONDS: whole(1, 86_400, 300).describe(
    'parts of a concatenated MO wait this long for the rest, then the message is published incomplete',
  ),
  MO_SWEEP_INTERVAL_MS: whole(100, 600_000, 10_000).describe('how often incomplete MO groups are checked'),
});
export type SmppBindsConfig = z.output<typeof smppBindsEnv>;
export const smppBindsConfig = (): SmppBindsConfig => loadConfig('smpp-binds', smppBindsEnv);
export const SMPP_BINDS_CONFIG = Symbol('SMPP_BINDS_CONFIG');
