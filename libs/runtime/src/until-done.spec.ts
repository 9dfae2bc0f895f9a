import { untilDone } from './until-done';

describe('untilDone', () => {
  it('repeats the work through failures and returns its first success', async () => {
    let calls = 0;
    const failures: number[] = [];
    const result = await untilDone(
      async () => {
        calls++;
        if (calls < 4) throw new Error(`down ${calls}`);
        return 'recorded';
      },
      { firstDelayMs: 1, maxDelayMs: 4, onFailure: (_error, attempt) => failures.push(attempt) },
    );
    expect(result).toBe('recorded');
    expect(calls).toBe(4);
    expect(failures).toEqual([1, 2, 3]);
  });

  it('backs off between tries up to the cap', async () => {
    const delays: number[] = [];
    let calls = 0;
    await untilDone(
      async () => {
        if (++calls < 6) throw new Error('down');
      },
      { firstDelayMs: 1, maxDelayMs: 8, onFailure: (_error, _attempt, delay) => delays.push(delay) },
    );
    expect(delays).toEqual([1, 2, 4, 8, 8]);
  });
});
