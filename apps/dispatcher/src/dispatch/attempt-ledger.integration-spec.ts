import { uuidv7 } from '@smsgate/contracts';
import { createDataSource, DispatchAttemptsRepository } from '@smsgate/db';
import { DataSource } from 'typeorm';
import { SendResult } from '@smsgate/channel-config';
import { AttemptLedger } from './attempt-ledger';

/** The attempt ledger against the real database: what a replayed or retried attempt finds. */
describe('attempt ledger', () => {
  let dataSource: DataSource;
  let ledger: AttemptLedger;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 });
    await dataSource.initialize();
    ledger = new AttemptLedger(new DispatchAttemptsRepository(dataSource));
  });
  afterAll(() => dataSource.destroy());

  const accepted: SendResult = {
    kind: 'accepted',
    status: 'wired',
    providerMessageIds: ['p-1'],
    parts: 1,
    detail: {},
  };

  it('lets an attempt send once, and a replay of it find its result', async () => {
    const message = uuidv7();
    const channel = uuidv7();
    expect(await ledger.begin(message, 1, channel)).toEqual({ kind: 'new' });
    expect(await ledger.begin(message, 1, channel)).toEqual({ kind: 'interrupted' });
    await ledger.finish(message, 1, accepted);
    expect(await ledger.begin(message, 1, channel)).toEqual({
      kind: 'finished',
      result: accepted,
      attempt: 1,
    });
  });

  it('gives a later attempt the result of an earlier one the provider accepted: nothing is sent again', async () => {
    const message = uuidv7();
    const channel = uuidv7();
    await ledger.begin(message, 1, channel);
    await ledger.finish(message, 1, accepted);
    // Attempt 1's status could not be published (Kafka down): the consumer retried as attempt 2.
    expect(await ledger.begin(message, 2, channel)).toEqual({
      kind: 'finished',
      result: accepted,
      attempt: 1,
    });
    const [{ count }] = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM dispatch_attempts WHERE message_id = $1`,
      [message],
    );
    expect(Number(count)).toBe(1);
  });

  it('lets a later attempt send when the earlier one was answered with a retry or a failure', async () => {
    const message = uuidv7();
    const channel = uuidv7();
    await ledger.begin(message, 1, channel);
    await ledger.finish(message, 1, { kind: 'retry', reason: 'answered 500' });
    expect(await ledger.begin(message, 2, channel)).toEqual({ kind: 'new' });
  });

  it('tells a later attempt on the same channel how many parts of a split text the provider took', async () => {
    const message = uuidv7();
    const channel = uuidv7();
    await ledger.begin(message, 1, channel);
    await ledger.finish(message, 1, {
      kind: 'retry',
      reason: 'HTTP 502',
      detail: { part: 3, parts: 4, partsAccepted: 2, status: 502 },
    });
    expect(await ledger.begin(message, 2, channel)).toEqual({ kind: 'new', partsDelivered: 2 });
    // Another channel (failover) splits and sends on its own.
    expect(await ledger.begin(message, 3, uuidv7())).toEqual({ kind: 'new' });
  });

  it('records a provider answer through a failing database: the write is repeated, not given up', async () => {
    const message = uuidv7();
    const channel = uuidv7();
    await ledger.begin(message, 1, channel);
    const query = dataSource.query.bind(dataSource);
    let failures = 2;
    const spy = jest.spyOn(dataSource, 'query').mockImplementation(((sql: string, params?: unknown[]) => {
      if (sql.includes('UPDATE dispatch_attempts') && failures-- > 0)
        return Promise.reject(new Error('the database system is shutting down'));
      return query(sql, params);
    }) as typeof dataSource.query);
    try {
      await ledger.finish(message, 1, accepted);
    } finally {
      spy.mockRestore();
    }
    expect(failures).toBe(-1);
    expect(await ledger.begin(message, 2, channel)).toEqual({
      kind: 'finished',
      result: accepted,
      attempt: 1,
    });
  });
});
