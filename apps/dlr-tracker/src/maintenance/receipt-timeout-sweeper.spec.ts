import { parsePayload, Topics } from '@smsgate/contracts';
import { MessageSweepsRepository, OverdueMessage } from '@smsgate/db';
import { EventPublisher } from '@smsgate/kafka';
import { RECEIPT_TIMEOUT_SOURCE } from '../domain/sources';
import { ReceiptTimeoutSweeper, timeoutEvent } from './receipt-timeout-sweeper';

const overdue = (id: string, fields: Partial<OverdueMessage> = {}): OverdueMessage => ({
  id,
  workspaceId: '0190a3c2-1111-7aaa-8bbb-000000000001',
  channelId: '0190a3c2-2222-7aaa-8bbb-000000000002',
  channelType: 'smpp',
  status: 'sent',
  attempt: 1,
  awaitingSince: new Date('2026-11-22T10:00:00.000Z'),
  timeoutSeconds: 3_600,
  ...fields,
});

const A = '0190a3c2-3333-7aaa-8bbb-00000000000a';
const B = '0190a3c2-3333-7aaa-8bbb-00000000000b';

/** A sweeper over a repository that answers `rows` (less those it is told to skip). */
function sweeperOver(rows: OverdueMessage[]) {
  const published: { payload: unknown; key?: string; channelType?: string }[] = [];
  const skipped: string[][] = [];
  const repository = {
    findOverdueReceipts: jest.fn((limit: number, _defaultSeconds: number, skip: readonly string[]) => {
      skipped.push([...skip]);
      return Promise.resolve(rows.filter((row) => !skip.includes(row.id)).slice(0, limit));
    }),
  } as unknown as MessageSweepsRepository & { findOverdueReceipts: jest.Mock };
  const publisher = {
    publishAll: jest.fn(
      (_topic: string, events: { payload: unknown; key?: string; channelType?: string }[]) => {
        published.push(...events);
        return Promise.resolve();
      },
    ),
  } as unknown as EventPublisher & { publishAll: jest.Mock };
  const sweeper = new ReceiptTimeoutSweeper(repository, publisher, {
    RECEIPT_TIMEOUT_SWEEP_INTERVAL_MS: 1_000,
  });
  return { sweeper, repository, publisher, published, skipped };
}

describe('timeoutEvent', () => {
  it('is a valid unknown status on the status topic, timed at the end of the wait, marked by the sweeper', () => {
    const event = timeoutEvent(overdue(A, { attempt: 2, timeoutSeconds: 90 }));
    expect(parsePayload(Topics.outboundStatus, event).ok).toBe(true);
    expect(event).toMatchObject({
      id: A,
      status: 'unknown',
      attempt: 2,
      channel: '0190a3c2-2222-7aaa-8bbb-000000000002',
      at: '2026-11-22T10:01:30.000Z',
      detail: { by: RECEIPT_TIMEOUT_SOURCE, receiptTimeoutSeconds: 90 },
    });
  });

  it('has one id per message and wait: the same when built again, another for another wait', () => {
    const first = timeoutEvent(overdue(A));
    expect(timeoutEvent(overdue(A)).eventId).toBe(first.eventId);
    expect(timeoutEvent(overdue(B)).eventId).not.toBe(first.eventId);
    expect(timeoutEvent(overdue(A, { attempt: 2 })).eventId).not.toBe(first.eventId);
    expect(timeoutEvent(overdue(A, { awaitingSince: new Date('2026-11-22T11:00:00Z') })).eventId).not.toBe(
      first.eventId,
    );
  });

  it('leaves the attempt out when the message has none (0): the ledger then takes the current one', () => {
    expect(timeoutEvent(overdue(A, { attempt: 0 }))).not.toHaveProperty('attempt');
  });
});

describe('ReceiptTimeoutSweeper', () => {
  afterEach(() => jest.restoreAllMocks());

  it('publishes one unknown per overdue message, keyed by the message, in one produce request', async () => {
    const { sweeper, publisher, published } = sweeperOver([overdue(A), overdue(B)]);
    expect(await sweeper.round()).toBe(false);
    expect(publisher.publishAll).toHaveBeenCalledTimes(1);
    expect(publisher.publishAll.mock.calls[0][0]).toBe(Topics.outboundStatus);
    expect(published.map((event) => event.key)).toEqual([A, B]);
    // Counted by the channel's type in smsgate_messages_total.
    expect(publisher.publishAll.mock.calls[0][1]).toEqual([
      expect.objectContaining({ channelType: 'smpp' }),
      expect.objectContaining({ channelType: 'smpp' }),
    ]);
    expect(published.map((event) => (event.payload as { status: string }).status)).toEqual([
      'unknown',
      'unknown',
    ]);
  });

  it('asks with the 48-hour default for channels without a timeout of their own', async () => {
    const { sweeper, repository } = sweeperOver([]);
    await sweeper.round();
    expect(repository.findOverdueReceipts).toHaveBeenCalledWith(500, 172_800, []);
  });

  it('publishes nothing when nothing is overdue', async () => {
    const { sweeper, publisher } = sweeperOver([]);
    expect(await sweeper.round()).toBe(false);
    expect(publisher.publishAll).not.toHaveBeenCalled();
  });

  it('does not publish a message again while its timeout waits to be applied, but does after a minute', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { sweeper, published, skipped } = sweeperOver([overdue(A)]);
    await sweeper.round();
    now += 30_000;
    await sweeper.round();
    expect(skipped[1]).toEqual([A]);
    expect(published).toHaveLength(1);
    now += 31_000;
    await sweeper.round();
    expect(published).toHaveLength(2);
    // Published again, it is the same event: the ledger records it once.
    expect((published[1].payload as { eventId: string }).eventId).toBe(
      (published[0].payload as { eventId: string }).eventId,
    );
  });

  it('says there may be more when it found a full batch', async () => {
    const rows = Array.from({ length: 500 }, (_, index) =>
      overdue(`0190a3c2-3333-7aaa-8bbb-${String(index).padStart(12, '0')}`),
    );
    const { sweeper } = sweeperOver(rows);
    expect(await sweeper.round()).toBe(true);
  });

  it('remembers nothing when the publish fails, so the next round tries again', async () => {
    const { sweeper, publisher, skipped } = sweeperOver([overdue(A)]);
    publisher.publishAll.mockRejectedValueOnce(new Error('broker down'));
    await expect(sweeper.round()).rejects.toThrow('broker down');
    await sweeper.round();
    expect(skipped[1]).toEqual([]);
  });
});
