import { randomUUID } from 'node:crypto';
import { ChannelRateBudgetsRepository, createDataSource } from '@smsgate/db';
import { DataSource } from 'typeorm';
import { ChannelRateLimiter } from './channel-rate-limiter';

/**
 * Three limiters, as three dispatcher replicas, each with its own connections, over the real budget: a
 * fast channel is not slowed by the leases, and a slow one holds its rate for all of them together.
 */
describe('channel rate limiter across replicas', () => {
  let sources: DataSource[];
  let limiters: ChannelRateLimiter[];
  let workspace: string;

  beforeAll(async () => {
    sources = await Promise.all(
      [1, 2, 3].map(() => createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 }).initialize()),
    );
    limiters = sources.map((source) => new ChannelRateLimiter(new ChannelRateBudgetsRepository(source)));
    workspace = randomUUID();
    await sources[0].query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'it', $2, 'sg_it')`,
      [workspace, randomUUID()],
    );
  });
  afterAll(() => Promise.all(sources.map((source) => source.destroy())));

  const newChannel = async () => {
    const id = randomUUID();
    await sources[0].query(
      `INSERT INTO channels (id, workspace_id, type, name) VALUES ($1, $2, 'ex', 'it')`,
      [id, workspace],
    );
    return id;
  };

  /** Each replica keeps `concurrency` senders taking one part at a time for `ms`; parts sent in all. */
  const run = async (channel: string, tps: number, concurrency: number, ms: number) => {
    const until = Date.now() + ms;
    let sent = 0;
    const sender = async (limiter: ChannelRateLimiter) => {
      while (Date.now() < until) {
        await limiter.take(channel, tps, 1, 'normal');
        if (Date.now() < until) sent++;
      }
    };
    await Promise.all(
      limiters.flatMap((limiter) => Array.from({ length: concurrency }, () => sender(limiter))),
    );
    return sent;
  };

  it('lets a 1,000 tps channel send 1,000 parts a second through three replicas', async () => {
    const sent = await run(await newChannel(), 1_000, 64, 2_000);
    expect(sent).toBeGreaterThanOrEqual(1_900);
    expect(sent).toBeLessThanOrEqual(2_100);
  });

  it('holds a 10 tps channel to 10 a second for three replicas together', async () => {
    const sent = await run(await newChannel(), 10, 4, 2_000);
    expect(sent).toBeGreaterThanOrEqual(19);
    expect(sent).toBeLessThanOrEqual(21);
  });
});
