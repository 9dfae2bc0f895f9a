import { z } from 'zod';

export const dbEnv = z.object({
  DATABASE_URL: z
    .string({ error: 'is required (postgres://user:password@host:port/database)' })
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});
export type DbEnv = z.infer<typeof dbEnv>;
