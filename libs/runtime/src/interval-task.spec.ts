import { IntervalTask, IntervalWorker, type RoundResult } from './interval-task';

const quiet = { warn: jest.fn() } as never;

describe('IntervalTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const flush = () => jest.advanceTimersByTimeAsync(0);
  /** Moves the clock on by `ms` and says how many rounds have run by then. */
  const roundsAfter = async (round: jest.Mock, ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
    return round.mock.calls.length;
  };
  /** A round that notes when it runs and answers `result()`; `duringNext` acts inside the next round. */
  const timedRound = (result: () => RoundResult) => {
    const at: number[] = [];
    let during: (() => void) | undefined;
    const round = jest.fn(async () => {
      at.push(Date.now());
      during?.();
      during = undefined;
      return result();
    });
    const duringNext = (act: () => void) => {
      during = act;
    };
    return { at, round, duringNext };
  };

  it('runs a round every interval', async () => {
    const round = jest.fn().mockResolvedValue(false);
    const task = new IntervalTask('t', 1_000, round, { logger: quiet });
    task.start();
    expect(await roundsAfter(round, 999)).toBe(0);
    expect(await roundsAfter(round, 1)).toBe(1);
    await task.stop();
  });

  it('runs a round at once when woken, then goes back to its interval', async () => {
    const round = jest.fn().mockResolvedValue(false);
    const task = new IntervalTask('t', 1_000, round, { logger: quiet });
    task.start();
    await jest.advanceTimersByTimeAsync(300);
    task.wake();
    expect(await roundsAfter(round, 0)).toBe(1);
    expect(await roundsAfter(round, 999)).toBe(1);
    expect(await roundsAfter(round, 1)).toBe(2);
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
    const task = new IntervalTask('t', 1_000, round, { logger: quiet });
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
    const task = new IntervalTask('t', 1_000, round, { logger: quiet });
    task.start();
    await task.stop();
    task.wake();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(round).not.toHaveBeenCalled();
  });

  it('spaces out rounds that find nothing, up to the idle interval, and comes back once one finds work', async () => {
    const results: ('idle' | boolean)[] = ['idle', 'idle', 'idle', 'idle', 'idle', false, 'idle'];
    const { at, round } = timedRound(() => results.shift() ?? 'idle');
    const task = new IntervalTask('t', 100, round, { logger: quiet, idleIntervalMs: 500 });
    const start = Date.now();
    task.start();
    await jest.advanceTimersByTimeAsync(100 + 100 + 200 + 400 + 500 + 500 + 100);
    await task.stop();
    // Waits before each round: 100 (first), then 100, 200, 400 after idle rounds, capped at 500; a round
    // that did work brings the next wait back to 100.
    expect(at.map((time, index) => time - (index === 0 ? start : at[index - 1]))).toEqual([
      100, 100, 200, 400, 500, 500, 100,
    ]);
  });

  it('is woken at once by wake() however idle it has become', async () => {
    const round = jest.fn().mockResolvedValue('idle');
    const task = new IntervalTask('t', 100, round, { logger: quiet, idleIntervalMs: 10_000 });
    task.start(0);
    await jest.advanceTimersByTimeAsync(5_000);
    const before = round.mock.calls.length;
    task.wake();
    await flush();
    expect(round).toHaveBeenCalledTimes(before + 1);
    await task.stop();
  });

  it('wakeIn runs a round when the work comes due, between rounds or when asked during one', async () => {
    const { at, round, duringNext } = timedRound(() => 'idle');
    const task = new IntervalTask('t', 1_000, round, { logger: quiet, idleIntervalMs: 60_000 });
    const start = Date.now();
    task.start();
    task.wakeIn(300); // earlier than the first round: brought forward
    task.wakeIn(700); // later than that round: work comes due then, so a round then too
    await jest.advanceTimersByTimeAsync(300);
    expect(at).toEqual([start + 300]);
    await jest.advanceTimersByTimeAsync(400);
    expect(at).toEqual([start + 300, start + 700]);
    duringNext(() => task.wakeIn(250)); // asked during the next round
    await jest.advanceTimersByTimeAsync(2_000);
    expect(at).toEqual([start + 300, start + 700, start + 2_700]);
    // The idle wait after that round would be 4,000: the round asked for 250.
    await jest.advanceTimersByTimeAsync(250);
    expect(at).toEqual([start + 300, start + 700, start + 2_700, start + 2_950]);
    await task.stop();
    task.wakeIn(0);
    await jest.advanceTimersByTimeAsync(100_000);
    expect(at).toHaveLength(4);
  });

  it('keeps a wakeIn deadline when woken before it (work handed over does not cancel a retry)', async () => {
    const { at, round } = timedRound(() => false);
    const task = new IntervalTask('t', 60_000, round, { logger: quiet });
    const start = Date.now();
    task.start();
    task.wakeIn(100);
    await jest.advanceTimersByTimeAsync(40);
    task.wake();
    await jest.advanceTimersByTimeAsync(60);
    expect(at).toEqual([start + 40, start + 100]);
    await task.stop();
  });

  it('keeps every wakeIn deadline: a round at the first does not drop a later one', async () => {
    // Two retries scheduled in one round come due a few milliseconds apart: the round that the first
    // one's deadline brings must leave the second one's deadline standing (else it waits for the poll).
    const { at, round, duringNext } = timedRound(() => false);
    const task = new IntervalTask('t', 60_000, round, { logger: quiet });
    const start = Date.now();
    duringNext(() => {
      task.wakeIn(100);
      task.wakeIn(110);
    });
    task.start(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(at).toEqual([start, start + 100, start + 110]);
    await task.stop();
  });
});

describe('IntervalWorker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  class Worker extends IntervalWorker {
    readonly round = jest.fn().mockResolvedValue(false);

    constructor() {
      super('w', 1_000, { logger: quiet });
    }
  }

  it('runs its rounds from application bootstrap until shutdown', async () => {
    const worker = new Worker();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(worker.round).not.toHaveBeenCalled();
    worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(worker.round).toHaveBeenCalledTimes(2);
    await worker.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(worker.round).toHaveBeenCalledTimes(2);
  });
});
