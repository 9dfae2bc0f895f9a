import { IntervalTask } from './interval-task';

const quiet = { warn: jest.fn() } as never;

describe('IntervalTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const flush = () => jest.advanceTimersByTimeAsync(0);

  it('runs a round every interval', async () => {
    const round = jest.fn().mockResolvedValue(false);
    const task = new IntervalTask('t', 1_000, round, quiet);
    task.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(round).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(round).toHaveBeenCalledTimes(1);
    await task.stop();
  });

  it('runs a round at once when woken, then goes back to its interval', async () => {
    const round = jest.fn().mockResolvedValue(false);
    const task = new IntervalTask('t', 1_000, round, quiet);
    task.start();
    await jest.advanceTimersByTimeAsync(300);
    task.wake();
    await flush();
    expect(round).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(round).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(round).toHaveBeenCalledTimes(2);
    await task.stop();
  });

  it('woken during a round, runs another as soon as it ends, never two at a time', async () => {
    let release!: () => void;
    let running = 0;
    let most = 0;
    const round = jest.fn(async () => {
      running++;
      most = Math.max(most, running);
      if (round.mock.calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      running--;
      return false;
    });
    const task = new IntervalTask('t', 1_000, round, quiet);
    task.start(0);
    await flush();
    expect(round).toHaveBeenCalledTimes(1);
    task.wake();
    await flush();
    expect(round).toHaveBeenCalledTimes(1);
    release();
    await flush();
    await flush();
    expect(round).toHaveBeenCalledTimes(2);
    expect(most).toBe(1);
    await task.stop();
  });

  it('is not woken once stopped', async () => {
    const round = jest.fn().mockResolvedValue(false);
    const task = new IntervalTask('t', 1_000, round, quiet);
    task.start();
    await task.stop();
    task.wake();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(round).not.toHaveBeenCalled();
  });
});
