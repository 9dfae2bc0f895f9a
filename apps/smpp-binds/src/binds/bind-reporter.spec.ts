import { Logger } from '@nestjs/common';
import { SmscBindReportsRepository } from '@smsgate/db';
import { hostname } from 'node:os';
import { SmppBindsConfig } from '../config';
import { BindRegistry, ChannelBinds } from './bind-registry';
import { BindReporter } from './bind-reporter';
import { Ownership } from './ownership';

describe("smpp-binds' report of its binds", () => {
  const INTERVAL = 5_000;
  const held: ChannelBinds[] = [
    {
      channel: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5b',
      workspace: '0193a5c2-7e11-7c3e-9a52-8f1d2c3b4a5c',
      name: 'SMSC',
      type: 'smpp',
      state: 'bound',
      binds: [],
    },
  ];
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const setUp = (
    report: jest.Mock = jest.fn().mockResolvedValue(undefined),
    remove: jest.Mock = jest.fn().mockResolvedValue(undefined),
  ) => {
    const ownership = new Ownership();
    ownership.assign({ 'sms.outbound.smpp.v1': [5, 1] });
    const reporter = new BindReporter(
      { snapshot: () => held } as unknown as BindRegistry,
      ownership,
      { report, remove } as unknown as SmscBindReportsRepository,
      { BIND_REPORT_INTERVAL_MS: INTERVAL } as SmppBindsConfig,
    );
    return { reporter, report, remove };
  };

  it('names its replica by host, process and a random part, as smpp-server does', () => {
    const [one, two] = [setUp().reporter, setUp().reporter];
    expect(one.replica.startsWith(`${hostname()}/${process.pid}/`)).toBe(true);
    expect(one.replica).toMatch(/\/[0-9a-f]{8}$/);
    expect(two.replica).not.toBe(one.replica);
  });

  it('reports its partitions and channels at start and every interval, and removes its row when it stops', async () => {
    const { reporter, report, remove } = setUp();
    reporter.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(report.mock.calls).toEqual([[reporter.replica, [1, 5], held]]);
    await jest.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(report).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(report).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(report).toHaveBeenCalledTimes(3);

    await reporter.onApplicationShutdown();
    expect(remove).toHaveBeenCalledWith(reporter.replica);
    await jest.advanceTimersByTimeAsync(INTERVAL * 3);
    expect(report).toHaveBeenCalledTimes(3);
  });

  it('removes its row only after a report in progress ended', async () => {
    let finish!: () => void;
    const report = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { reporter, remove } = setUp(report);
    reporter.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = reporter.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(0);
    expect(remove).not.toHaveBeenCalled();
    finish();
    await stopped;
    expect(remove).toHaveBeenCalledWith(reporter.replica);
  });

  it('keeps reporting while writes fail, warning once a minute, and says when they work again', async () => {
    const report = jest.fn().mockRejectedValue(new Error('connection refused'));
    const { reporter } = setUp(report);
    reporter.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('connection refused');

    await jest.advanceTimersByTimeAsync(59_999);
    expect(report).toHaveBeenCalledTimes(12);
    expect(warn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(report).toHaveBeenCalledTimes(13);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toContain('13 in a row');

    report.mockResolvedValue(undefined);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(log).toHaveBeenCalledWith('bind reports written again after 13 failure(s)');
    report.mockRejectedValue(new Error('gone again'));
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[2][0]).toContain('gone again');
    await reporter.onApplicationShutdown();
  });

  it('never throws from a report, and logs a row it could not remove when it stops', async () => {
    const { reporter } = setUp(
      jest.fn().mockRejectedValue(new Error('down')),
      jest.fn().mockRejectedValue(new Error('still down')),
    );
    await expect(reporter.report()).resolves.toBeUndefined();
    await expect(reporter.onApplicationShutdown()).resolves.toBeUndefined();
    expect(warn.mock.calls.map(([message]) => message as string)).toEqual([
      expect.stringContaining('down'),
      expect.stringContaining('still down'),
    ]);
  });
});
