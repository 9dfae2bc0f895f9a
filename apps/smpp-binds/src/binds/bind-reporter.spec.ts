import { SmscBindReportsRepository } from '@smsgate/db';
import { SmppBindsConfig } from '../config';
import { BindRegistry, ChannelBinds } from './bind-registry';
import { BindReporter } from './bind-reporter';
import { Ownership } from './ownership';

describe("smpp-binds' report of its binds", () => {
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
  const setUp = (report: jest.Mock = jest.fn().mockResolvedValue(undefined)) => {
    const remove = jest.fn().mockResolvedValue(undefined);
    const ownership = new Ownership();
    ownership.assign({ 'sms.outbound.smpp.v1': [5, 1] });
    const reporter = new BindReporter(
      { snapshot: () => held } as unknown as BindRegistry,
      ownership,
      { report, remove } as unknown as SmscBindReportsRepository,
      { BIND_REPORT_INTERVAL_MS: 50 } as SmppBindsConfig,
    );
    return { reporter, report, remove };
  };

  it('reports its partitions and channels at start and every interval, and removes its row when it stops', async () => {
    const { reporter, report, remove } = setUp();
    reporter.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 180));
    await reporter.onApplicationShutdown();
    expect(report.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(report).toHaveBeenCalledWith(reporter.replica, [1, 5], held);
    expect(remove).toHaveBeenCalledWith(reporter.replica);
    const calls = report.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(report.mock.calls.length).toBe(calls);
  });

  it('keeps reporting after a failed write', async () => {
    const report = jest
      .fn()
      .mockRejectedValueOnce(new Error('connection refused'))
      .mockResolvedValue(undefined);
    const { reporter } = setUp(report);
    reporter.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 180));
    await reporter.onApplicationShutdown();
    expect(report.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
});
