import { IDLE_FETCH_WAIT_MS, idleAwareFetch, installIdleFetch } from './idle-fetch';

const batch = (records: number) => ({ isEmpty: () => records === 0 });

/** A consumer group tuned to batch, whose fetch answers what the test queues and notes what it was asked. */
function group(maxWaitTime = 100, minBytes = 128 * 1024) {
  const asked: Array<{ nodeId: number; maxWaitTime: number; minBytes: number }> = [];
  const answers: number[][] = [];
  const original = async function (this: { maxWaitTime: number; minBytes: number }, nodeId: number) {
    await Promise.resolve();
    asked.push({ nodeId, maxWaitTime: this.maxWaitTime, minBytes: this.minBytes });
    return (answers.shift() ?? []).map(batch);
  };
  const self = { maxWaitTime, minBytes, fetch: idleAwareFetch(original) };
  return { self, asked, answer: (...records: number[]) => answers.push(records) };
}

describe('idle-aware fetch', () => {
  it('fetches with the tuned settings while records come', async () => {
    const { self, asked, answer } = group();
    answer(3, 0);
    answer(0, 1);
    await self.fetch(1);
    await self.fetch(1);
    await self.fetch(1);
    expect(asked.map(({ maxWaitTime, minBytes }) => [maxWaitTime, minBytes])).toEqual([
      [100, 128 * 1024],
      [100, 128 * 1024],
      [100, 128 * 1024],
    ]);
  });

  it('after a fetch without a record, asks for any byte and waits a second; a record switches back', async () => {
    const { self, asked, answer } = group();
    answer(0, 0); // nothing
    answer(); // nothing again
    answer(1); // a record
    answer(5);
    for (let i = 0; i < 4; i++) await self.fetch(1);
    expect(asked.map(({ maxWaitTime, minBytes }) => [maxWaitTime, minBytes])).toEqual([
      [100, 128 * 1024],
      [IDLE_FETCH_WAIT_MS, 1],
      [IDLE_FETCH_WAIT_MS, 1],
      [100, 128 * 1024],
    ]);
    // The group itself keeps its tuned settings: other brokers' fetches read them concurrently.
    expect([self.maxWaitTime, self.minBytes]).toEqual([100, 128 * 1024]);
  });

  it('keeps each broker apart', async () => {
    const { self, asked, answer } = group();
    answer(); // broker 1: nothing
    await self.fetch(1);
    answer(2);
    await Promise.all([self.fetch(1), self.fetch(2)]);
    expect(asked.slice(1).map(({ nodeId, minBytes }) => [nodeId, minBytes])).toEqual([
      [1, 1],
      [2, 128 * 1024],
    ]);
  });

  it('lets kafkajs write to the group during an idle fetch: a fetch that re-joins leaves the group joined', async () => {
    // kafkajs recovers from stale metadata inside fetch (joinAndSync), writing memberId, generationId and
    // its offset manager to `this`; those must reach the group, or it later heartbeats, commits and
    // leaves under a membership that no longer exists.
    interface Settings {
      maxWaitTime: number;
      minBytes: number;
      memberId?: string;
    }
    const self: Settings & { fetch(nodeId: number): Promise<Array<{ isEmpty(): boolean }>> } = {
      maxWaitTime: 100,
      minBytes: 128 * 1024,
      memberId: 'member-1',
      fetch: idleAwareFetch(async function (this: Settings) {
        await Promise.resolve();
        if (this.minBytes === 1) this.memberId = 'member-2';
        return [];
      }),
    };
    await self.fetch(1); // nothing: the next fetch is idle
    await self.fetch(1); // idle, and re-joins
    expect(self.memberId).toBe('member-2');
    expect([self.maxWaitTime, self.minBytes]).toEqual([100, 128 * 1024]);
  });

  it('never waits less than the tuned wait', async () => {
    const { self, asked, answer } = group(5_000, 1);
    answer();
    await self.fetch(1);
    await self.fetch(1);
    expect(asked.map(({ maxWaitTime }) => maxWaitTime)).toEqual([5_000, 5_000]);
  });

  it("wraps kafkajs' ConsumerGroup.fetch once", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as {
      prototype: { fetch: unknown };
    };
    const original = ConsumerGroup.prototype.fetch;
    installIdleFetch();
    const wrapped = ConsumerGroup.prototype.fetch;
    expect(wrapped).not.toBe(original);
    installIdleFetch();
    expect(ConsumerGroup.prototype.fetch).toBe(wrapped);
  });
});
