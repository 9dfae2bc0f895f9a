import type { InboundReceivedV1, MessageStatus, MessageStatusChangedV1 } from '@smsgate/contracts';
import { moPdus } from '@smsgate/smpp-server';
import {
  errorCodeOf,
  moRows,
  pduOfStored,
  receiptRows,
  storedPdu,
  SubmitForReceipt,
  wantsReceipt,
} from './delivery-rows';

const messageId = '0193a7c6-2e63-7a66-b18c-7b9cbd345e67';
const account = '0193a7c6-2e63-7a66-b18c-7b9cbd3400aa';

const status = (fields: Partial<MessageStatusChangedV1> = {}): MessageStatusChangedV1 => ({
  eventId: '0193a7c6-2e63-7a66-b18c-7b9cbd345e00',
  id: messageId,
  workspace: '0193a7c6-2e63-7a66-b18c-7b9cbd345eff',
  direction: 'out',
  status: 'delivered',
  at: '2026-12-05T10:31:00.000Z',
  ...fields,
});

const submit = (fields: Partial<SubmitForReceipt> = {}): SubmitForReceipt => ({
  id: '0193a7c6-2e63-7a66-b18c-7b9cbd345e01',
  accountId: account,
  messageId,
  registeredDelivery: 1,
  source: 'CLINIC',
  destination: '254700000001',
  textHead: 'Your appointment is ',
  createdAt: new Date('2026-12-05T10:30:00.000Z'),
  ...fields,
});

describe('wantsReceipt (registered_delivery bits 0-1)', () => {
  it.each<[number, MessageStatus, boolean]>([
    [0, 'delivered', false],
    [0, 'failed', false],
    [1, 'delivered', true],
    [1, 'expired', true],
    [2, 'delivered', false],
    [2, 'failed', true],
    [2, 'unknown', true],
    [3, 'failed', false],
    // Bits above 0-1 (SME acknowledgement, intermediate notification) do not change it.
    [0x11, 'delivered', true],
    [0x12, 'delivered', false],
  ])('%i on %s: %s', (registered, final, expected) => {
    expect(wantsReceipt(registered, final)).toBe(expected);
  });
});

describe('receiptRows', () => {
  it('builds a receipt per submit row, every part its own, the way back from the submit', () => {
    const parts = [submit(), submit({ id: '0193a7c6-2e63-7a66-b18c-7b9cbd345e02' })];
    const rows = receiptRows([status()], parts);
    expect(rows.map((row) => [row.accountId, row.kind, row.sourceId, row.part])).toEqual([
      [account, 'receipt', parts[0].id, 0],
      [account, 'receipt', parts[1].id, 0],
    ]);
    const pdu = pduOfStored(rows[0].pdu);
    expect(pdu).toMatchObject({
      sourceAddr: '254700000001',
      destAddr: 'CLINIC',
      esmClass: 0x04,
      receiptedMessageId: parts[0].id,
      messageState: 2,
    });
    expect(pdu.shortMessage.toString('latin1')).toBe(
      `id:${parts[0].id} sub:001 dlvrd:001 submit date:2612051030 done date:2612051031 stat:DELIVRD err:000 text:Your appointment is `,
    );
  });

  it("carries the SMSC's err: from the status detail into the receipt", () => {
    const [row] = receiptRows(
      [status({ status: 'failed', detail: { stat: 'UNDELIV', err: '034' } })],
      [submit()],
    );
    expect(pduOfStored(row.pdu).shortMessage.toString('latin1')).toContain(' stat:UNDELIV err:034 text:');
  });

  it.each<[unknown, number | undefined]>([
    ['034', 34],
    [7, 7],
    ['000', 0],
    ['1234', undefined],
    ['E34', undefined],
    [-1, undefined],
    [null, undefined],
    [undefined, undefined],
  ])('reads err %p as %p', (err, expected) => {
    const detail: Record<string, string | number | null> =
      err === undefined ? {} : { err: err as string | number | null };
    expect(errorCodeOf({ detail }).errorCode).toBe(expected);
  });

  it('follows registered_delivery: none for 0, failures only for 2', () => {
    const submits = [
      submit({ id: '0193a7c6-2e63-7a66-b18c-7b9cbd345e10', registeredDelivery: 0 }),
      submit({ id: '0193a7c6-2e63-7a66-b18c-7b9cbd345e11', registeredDelivery: 2 }),
    ];
    expect(receiptRows([status()], submits)).toEqual([]);
    const failed = receiptRows([status({ status: 'failed' })], submits);
    expect(failed.map((row) => row.sourceId)).toEqual([submits[1].id]);
    expect(pduOfStored(failed[0].pdu).shortMessage.toString('latin1')).toContain('stat:UNDELIV');
  });

  it('builds none for a status that is not final, an inbound message or a message no ESME submitted', () => {
    expect(receiptRows([status({ status: 'sent' })], [submit()])).toEqual([]);
    expect(receiptRows([status({ direction: 'in', status: 'delivered' })], [submit()])).toEqual([]);
    expect(receiptRows([status({ id: '0193a7c6-2e63-7a66-b18c-7b9cbd345eee' })], [submit()])).toEqual([]);
  });
});

describe('moRows', () => {
  const mo = (text: string): InboundReceivedV1 => ({
    id: '0193a7c6-2e63-7a66-b18c-7b9cbd3450f3',
    workspace: '0193a7c6-2e63-7a66-b18c-7b9cbd345eff',
    channel: '0193a7c6-2e63-7a66-b18c-7b9cbd345ecc',
    channelType: 'smpp',
    from: '+254700000002',
    to: '22141',
    text,
    receivedAt: '2026-12-05T10:31:00.000Z',
  });
  const other = '0193a7c6-2e63-7a66-b18c-7b9cbd3400bb';

  it('queues the parts of the MO for each account, in order, keyed by message and part', () => {
    const long = 'x'.repeat(200);
    const rows = moRows(mo(long), [account, other]);
    expect(rows.map((row) => [row.accountId, row.kind, row.sourceId, row.part])).toEqual([
      [account, 'mo', mo(long).id, 0],
      [account, 'mo', mo(long).id, 1],
      [other, 'mo', mo(long).id, 0],
      [other, 'mo', mo(long).id, 1],
    ]);
    // The reference comes from the id (0xf3): a replay builds the same bytes.
    expect(rows.slice(0, 2).map((row) => pduOfStored(row.pdu))).toEqual(
      moPdus({ from: '+254700000002', to: '22141', text: long, reference: 0xf3 }),
    );
    expect(moRows(mo(long), [account])).toEqual(rows.slice(0, 2));
  });

  it('queues nothing for no account', () => {
    expect(moRows(mo('hi'), [])).toEqual([]);
  });
});

describe('stored PDUs', () => {
  it('round-trip through JSON with their bytes', () => {
    const fields = {
      sourceAddr: 'a',
      destAddr: 'b',
      esmClass: 0x40,
      dataCoding: 8,
      shortMessage: Buffer.from([0, 1, 255]),
    };
    expect(pduOfStored(JSON.parse(JSON.stringify(storedPdu(fields))) as Record<string, unknown>)).toEqual(
      fields,
    );
  });
});
