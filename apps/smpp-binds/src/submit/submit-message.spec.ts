import { Topics } from '@smsgate/contracts';
import { EventPublisher, PublishOptions } from '@smsgate/kafka';
import { BindsUnavailableError } from '@smsgate/smpp';
import { BindRegistry } from '../binds/bind-registry';
import { Ownership } from '../binds/ownership';
import { SmppBindsConfig } from '../config';
import { SubmitLedger } from './submit-ledger';
import { channelId, consumedEvent, oneChannel, submitRequest } from './submit-fixtures.testing';
import { SubmittedParts } from './submitted-parts';
import { PRIOR_ATTEMPTS_HEADER, SubmitMessage } from './submit-message.use-case';

// The retry bookkeeping of a message whose channel has no usable bind, across replicas: the
// collaborators are stand-ins (this is about counting, not SMPP or Kafka).
const RETRY_DELAYS_MS = [10, 20, 30];

function setUp(owns: boolean) {
  const published: { topic: string; payload: unknown; options: PublishOptions }[] = [];
  const publisher = {
    publish: (topic: string, payload: unknown, options: PublishOptions = {}) => {
      published.push({ topic, payload, options });
      return Promise.resolve();
    },
  } as unknown as EventPublisher;
  const pool = {
    submit: () => Promise.reject(new BindsUnavailableError('every bind is down')),
  };
  const registry = { poolFor: () => pool } as unknown as BindRegistry;
  const ownership = { owns: () => owns } as unknown as Ownership;
  const ledger = { partsOf: () => Promise.resolve([]) } as unknown as SubmitLedger;
  const config = { RETRY_DELAYS_MS, SUBMIT_HOLD_MS: 1_000 } as unknown as SmppBindsConfig;
  return {
    published,
    use: new SubmitMessage(
      oneChannel('no binds'),
      registry,
      ownership,
      ledger,
      new SubmittedParts(),
      publisher,
      config,
    ),
  };
}

const consumed = (attempt: number, headers: Record<string, string> = {}) =>
  consumedEvent(submitRequest(), attempt, headers);

describe('SubmitMessage: attempts across replicas', () => {
  it('hands a retried event back to the owner with the attempts it used so far', async () => {
    const { use, published } = setUp(false);
    const outcome = await use.execute(consumed(3, { [PRIOR_ATTEMPTS_HEADER]: '1' }));
    expect(outcome.kind).toBe('done');
    expect(published).toHaveLength(1);
    expect(published[0].topic).toBe(Topics.smppSubmitRequested);
    expect(published[0].options).toEqual({ key: channelId, headers: { [PRIOR_ATTEMPTS_HEADER]: '3' } });
  });

  it('retries while the attempts of every replica together are within the retry delays', async () => {
    const { use, published } = setUp(true);
    const outcome = await use.execute(consumed(1, { [PRIOR_ATTEMPTS_HEADER]: '2' }));
    expect(outcome.kind).toBe('retry');
    expect(published).toHaveLength(0);
  });

  it('fails the message once they are used up, though this replica is at its first attempt', async () => {
    const { use, published } = setUp(true);
    const outcome = await use.execute(consumed(1, { [PRIOR_ATTEMPTS_HEADER]: '3' }));
    expect(outcome.kind).toBe('dead-letter');
    expect(published.map((p) => [p.topic, (p.payload as { status: string }).status])).toEqual([
      [Topics.outboundStatus, 'failed'],
    ]);
  });

  it('ignores a prior-attempts header that is not a small positive integer', async () => {
    const { use } = setUp(true);
    for (const value of ['-5', 'abc', '1e9', '2.5'])
      expect((await use.execute(consumed(1, { [PRIOR_ATTEMPTS_HEADER]: value }))).kind).toBe('retry');
  });
});
