import type { InboundReceivedV1, MessageStatusChangedV1 } from '@smsgate/contracts';
import type { NewSmppDelivery } from '@smsgate/db';
import type { ConsumedEvent } from '@smsgate/kafka';
import { DeliveryExpiry } from './delivery-expiry';
import { MoUseCase } from './mo.use-case';
import { ReceiptsUseCase } from './receipts.use-case';

const consumed = <T>(payload: T): ConsumedEvent<T> => ({
  payload,
  headers: {},
  topic: 't',
  partition: 0,
  offset: '0',
  timestamp: '0',
  attempt: 1,
});
const account = '0193a7c6-2e63-7a66-b18c-7b9cbd3400aa';
const workspace = '0193a7c6-2e63-7a66-b18c-7b9cbd345eff';

describe('ReceiptsUseCase', () => {
  const status = (id: string, fields: Partial<MessageStatusChangedV1> = {}) =>
    consumed<MessageStatusChangedV1>({
      eventId: id,
      id,
      workspace,
      direction: 'out',
      status: 'delivered',
      at: '2026-12-05T10:31:00.000Z',
      ...fields,
    });

  it('reads the submits of the final statuses once, inserts the receipts once, wakes their accounts', async () => {
    const ids = ['0193a7c6-2e63-7a66-b18c-7b9cbd345e01', '0193a7c6-2e63-7a66-b18c-7b9cbd345e02'];
    const inserts: Array<[NewSmppDelivery[], number]> = [];
    const store = {
      submitsForReceipts: jest.fn(async (messageIds: string[]) =>
        messageIds.map((messageId) => ({
          id: messageId.replace(/.$/, 'f'),
          accountId: account,
          messageId,
          registeredDelivery: 1,
          source: 'CLINIC',
          destination: '254700000001',
          textHead: 'hi',
          createdAt: new Date('2026-12-05T10:30:00.000Z'),
        })),
      ),
      insertMany: jest.fn(async (rows: NewSmppDelivery[], hours: number) => {
        inserts.push([rows, hours]);
        return [account];
      }),
    };
    const woken: string[][] = [];
    const useCase = new ReceiptsUseCase(store, 72, (accounts) => woken.push(accounts));
    const outcomes = await useCase.execute([
      status(ids[0]),
      status(ids[1], { status: 'sent' }),
      status(ids[1], { status: 'failed' }),
      status(ids[0], { direction: 'in', status: 'received' }),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['done', 'skipped', 'done', 'skipped']);
    expect(store.submitsForReceipts).toHaveBeenCalledTimes(1);
    expect(store.submitsForReceipts).toHaveBeenCalledWith(ids);
    expect(inserts).toHaveLength(1);
    expect(inserts[0][0].map((row) => row.sourceId)).toEqual([
      ids[0].replace(/.$/, 'f'),
      ids[1].replace(/.$/, 'f'),
    ]);
    expect(inserts[0][1]).toBe(72);
    expect(woken).toEqual([[account]]);
  });

  it('reads nothing for a batch without final statuses', async () => {
    const store = { submitsForReceipts: jest.fn(), insertMany: jest.fn() };
    const useCase = new ReceiptsUseCase(store, 72, () => undefined);
    expect(
      await useCase.execute([status('0193a7c6-2e63-7a66-b18c-7b9cbd345e01', { status: 'queued' })]),
    ).toEqual([{ kind: 'skipped', reason: 'not a final status of an outbound message' }]);
    expect(store.submitsForReceipts).not.toHaveBeenCalled();
  });
});

describe('MoUseCase', () => {
  const inbound = (id: string, to?: string) =>
    consumed<InboundReceivedV1>({
      id,
      workspace,
      channel: '0193a7c6-2e63-7a66-b18c-7b9cbd345ecc',
      channelType: 'smpp',
      from: '+254700000002',
      to,
      text: 'STOP',
      receivedAt: '2026-12-05T10:31:00.000Z',
    });

  it('routes the batch in one query and queues each message for its accounts', async () => {
    const store = {
      inboundRoutes: jest.fn(async () => [[account], []]),
      insertMany: jest.fn(async () => [account]),
    };
    const woken: string[][] = [];
    const useCase = new MoUseCase(store, 24, (accounts) => woken.push(accounts));
    const first = '0193a7c6-2e63-7a66-b18c-7b9cbd345e01';
    const outcomes = await useCase.execute([
      inbound(first, '22141'),
      inbound('0193a7c6-2e63-7a66-b18c-7b9cbd345e02'),
    ]);
    expect(store.inboundRoutes).toHaveBeenCalledWith([
      { workspaceId: workspace, channelId: '0193a7c6-2e63-7a66-b18c-7b9cbd345ecc', to: '22141' },
      { workspaceId: workspace, channelId: '0193a7c6-2e63-7a66-b18c-7b9cbd345ecc', to: undefined },
    ]);
    expect(store.insertMany).toHaveBeenCalledWith(
      [expect.objectContaining({ accountId: account, kind: 'mo', sourceId: first, part: 0 })],
      24,
    );
    expect(outcomes).toEqual([{ kind: 'done' }, { kind: 'skipped', reason: 'no SMPP account receives it' }]);
    expect(woken).toEqual([[account]]);
  });
});

describe('DeliveryExpiry', () => {
  it('counts expired rows by kind and logs them without their text, then prunes', async () => {
    const expired = [
      { id: '1', accountId: account, kind: 'receipt' as const, sourceId: 's1', attempts: 3 },
      { id: '2', accountId: account, kind: 'mo' as const, sourceId: 's2', attempts: 0 },
      { id: '3', accountId: account, kind: 'mo' as const, sourceId: 's2', attempts: 0 },
    ];
    const outbox = { expire: jest.fn(async () => expired), prune: jest.fn(async () => 0) };
    const warn = jest.fn();
    const counted: Array<[string, number]> = [];
    const expiry = new DeliveryExpiry(outbox, { warn }, (kind, count) => counted.push([kind, count]));
    expect(await expiry.runOnce()).toBe(3);
    expect(counted).toEqual([
      ['receipt', 1],
      ['mo', 2],
    ]);
    expect(warn).toHaveBeenCalledWith(
      { accountId: account, kind: 'receipt', sourceId: 's1', attempts: 3 },
      'SMPP delivery expired before an ESME took it',
    );
    expect(outbox.prune).toHaveBeenCalledTimes(1);
  });
});
