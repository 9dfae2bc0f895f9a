import { z } from 'zod';

export const dbEnv = z.object({
  DATABASE_URL: z
    .string({ error: 'is required (postgres://user:password@host:port/database)' })
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .describe('`postgres://user:password@host:port/db`'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('PostgreSQL connections per process'),
});
export type DbEnv = z.infer<typeof dbEnv>;
