import type { KafkaMessage } from 'kafkajs';
import type { ConsumedEvent } from './consumed-batch';
import type { EventPublisher } from './event-publisher';
import { Outcomes } from './outcome';
import { type ActionOutcome, OutcomeSettler } from './outcome-settler';

const DELAYS = [1_000, 5_000, 30_000];

function settler() {
  const publisher = { publishRaw: jest.fn().mockResolvedValue(undefined), publish: jest.fn() };
  publisher.publish.mockResolvedValue(undefined);
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const settle = (attempt: number, outcome: ActionOutcome) => {
    const message = {
      key: Buffer.from('k'),
      value: Buffer.from('{}'),
      headers: {},
    } as unknown as KafkaMessage;
    const event: ConsumedEvent<unknown> = {
      payload: {},
      headers: {},
      topic: 'sms.inbound.received.v1',
      partition: 0,
      offset: '7',
      timestamp: '0',
      attempt,
    };
    return new OutcomeSettler(publisher as unknown as EventPublisher, 'relay', DELAYS, logger).settle(
      message,
      event,
      outcome,
    );
  };
  return { publisher, settle };
}

describe('OutcomeSettler', () => {
  it('sends attempt n to the retry topic of n, and dead-letters once attempts run out', async () => {
    const { publisher, settle } = settler();
    await settle(2, Outcomes.retry('503') as ActionOutcome);
    expect(publisher.publishRaw).toHaveBeenCalledWith('smsgate.retry.relay.2', [expect.anything()]);
    await settle(4, Outcomes.retry('503') as ActionOutcome);
    expect(publisher.publishRaw).toHaveBeenCalledTimes(1);
    expect(publisher.publish).toHaveBeenCalledWith(
      'sms.deadletter.v1',
      expect.objectContaining({ reason: 'gave up after 4 attempts: 503' }),
      expect.anything(),
    );
  });

  it('keeps retrying what waits for a fix at the last delay, past the last attempt, never dead-lettering', async () => {
    const { publisher, settle } = settler();
    for (const attempt of [4, 5, 40]) await settle(attempt, Outcomes.retryUntilFixed('404') as ActionOutcome);
    expect(publisher.publish).not.toHaveBeenCalled();
    expect(publisher.publishRaw.mock.calls.map(([topic]) => topic as string)).toEqual([
      'smsgate.retry.relay.3',
      'smsgate.retry.relay.3',
      'smsgate.retry.relay.3',
    ]);
    const [[, [record]]] = publisher.publishRaw.mock.calls as [
      string,
      [{ headers: Record<string, string> }],
    ][];
    const due = Number(record.headers['x-smsgate-not-before']) - Date.now();
    expect(due).toBeGreaterThan(30_000 * 0.8 - 1_000);
    expect(due).toBeLessThanOrEqual(30_000 * 1.2);
  });
});
