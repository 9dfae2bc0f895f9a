import { MicroBatcher } from './micro-batcher';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('MicroBatcher', () => {
  it('sends an idle item at once and gathers the items that arrive while a batch runs', async () => {
    const calls: number[][] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls.push(items);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return items.map((item) => item * 10);
      },
      { maxInFlight: 1 },
    );
    const first = batcher.submit(1);
    const rest = [batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    expect(calls).toEqual([[1]]);
    gates[0].resolve();
    expect(await first).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1], [2, 3, 4]]);
    gates[1].resolve();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('respects maxBatch and maxInFlight', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        running++;
        peak = Math.max(peak, running);
        sizes.push(items.length);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return items;
      },
      { maxBatch: 3, maxInFlight: 2 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(peak).toBe(2);
  });

  it('rejects every item of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const batcher = new MicroBatcher<string, string>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    await expect(batcher.submit('a')).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.submit('b')).resolves.toBe('b');
  });

  it('rejects when the batch function returns the wrong number of results', async () => {
    const batcher = new MicroBatcher<string, string>(async () => []);
    await expect(batcher.submit('a')).rejects.toThrow('0 results for 1 items');
  });
});
