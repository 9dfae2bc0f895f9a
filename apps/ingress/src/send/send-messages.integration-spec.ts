import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { OutboundRequestedV1, uuidv7 } from '@smsgate/contracts';
import { createDataSource, ProfilesRepository, SendRequestsRepository } from '@smsgate/db';
import { EventPublisher, PublishTimeoutError } from '@smsgate/kafka';
import { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service';
import { IngressConfig } from '../config';
import { OutcomeUnknownError, SendCommand, SendMessages } from './send-messages.use-case';
import { SendRequestsStore } from './send-requests.store';

/**
 * Repeats of a send request against the real database; Kafka is a stand-in that can fail to confirm
 * (the timeout is what matters here, not the broker).
 */
describe('send requests repeated', () => {
  let dataSource: DataSource;
  const published: OutboundRequestedV1[] = [];
  let failPublish = false;
  let use: SendMessages;
  const config = { KAFKA_PUBLISH_TIMEOUT_MS: 10_000, SEND_REPEAT_WINDOW_SECONDS: 3_600 } as IngressConfig;

  beforeAll(async () => {
    dataSource = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 });
    await dataSource.initialize();
    const publisher = {
      publishAll: (_topic: string, events: { payload: OutboundRequestedV1 }[]) => {
        if (failPublish) return Promise.reject(new PublishTimeoutError(10_000));
        published.push(...events.map((event) => event.payload));
        return Promise.resolve();
      },
    } as unknown as EventPublisher;
    use = new SendMessages(
      {} as ChannelsService,
      publisher,
      new SendRequestsStore(new SendRequestsRepository(dataSource), config),
      config,
      new ProfilesRepository(dataSource),
    );
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => {
    published.length = 0;
    failPublish = false;
  });

  const command = (text = 'hello'): SendCommand => ({
    workspace: uuidv7(),
    destinations: [{ to: '+254712345678' }, { to: '+254733000111' }],
    text,
  });
  const backdate = (key: string, seconds: number) =>
    dataSource.query(
      `UPDATE send_requests SET created_at = now() - make_interval(secs => $2) WHERE key = $1`,
      [key, seconds],
    );

  it('publishes a request once and answers its repeats with the first answer', async () => {
    const send = command();
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    const first = await use.execute(send, repeat);
    expect(first.replayed).toBe(false);
    expect(published).toHaveLength(2);
    const again = await use.execute(send, repeat);
    expect(again).toEqual({ results: first.results, replayed: true });
    expect(published).toHaveLength(2);
  });

  it('settles an unknown outcome on the repeat by publishing the first events, never new ones', async () => {
    const send = command();
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    failPublish = true;
    const unknown = await use.execute(send, repeat).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OutcomeUnknownError);
    expect((unknown as OutcomeUnknownError).repeatable).toBe(true);
    const ids = (unknown as OutcomeUnknownError).results.map((result) => (result.ok ? result.id : ''));
    failPublish = false;
    // Repeated while the first may still be waiting for Kafka: not yet.
    await expect(use.execute(send, repeat)).rejects.toBeInstanceOf(ConflictException);
    expect(published).toHaveLength(0);
    await backdate(repeat.key, 60);
    const settled = await use.execute(send, repeat);
    expect(settled.replayed).toBe(true);
    expect(published.map((event) => event.id)).toEqual(ids);
    // Settled: a further repeat publishes nothing.
    await use.execute(send, repeat);
    expect(published).toHaveLength(2);
  });

  it('keeps quick replies on the events a repeat publishes for an unknown outcome', async () => {
    const send = { ...command(), quickReplies: ['Yes', 'No'] };
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    failPublish = true;
    await use.execute(send, repeat).catch(() => undefined);
    failPublish = false;
    await backdate(repeat.key, 60);
    expect((await use.execute(send, repeat)).replayed).toBe(true);
    expect(published.map((event) => event.quickReplies)).toEqual([
      ['Yes', 'No'],
      ['Yes', 'No'],
    ]);
  });

  it('refuses the key with another request', async () => {
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    const send = command();
    await use.execute(send, repeat);
    await expect(
      use.execute({ ...command('other'), workspace: send.workspace }, { ...repeat, fingerprint: 'f2' }),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);
  });

  it('sends again once the window has passed', async () => {
    const send = command();
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    const first = await use.execute(send, repeat);
    await backdate(repeat.key, 3_601);
    const later = await use.execute(send, repeat);
    expect(later.replayed).toBe(false);
    expect(later.results).not.toEqual(first.results);
    expect(published).toHaveLength(4);
  });

  it('claims a key once when two requests with it arrive together', async () => {
    const send = command();
    const repeat = { key: `key:${uuidv7()}`, fingerprint: 'f1' };
    const outcomes = await Promise.allSettled([use.execute(send, repeat), use.execute(send, repeat)]);
    // One publishes; the other is a replay of it or is told the first is still under way.
    expect(published).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && !o.value.replayed)).toHaveLength(1);
  });
});
