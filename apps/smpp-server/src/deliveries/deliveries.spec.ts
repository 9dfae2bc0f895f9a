import { receiptPdu } from '@smsgate/smpp-server';
import { wantsReceipt } from './deliveries.consumer';
import { pduOf, retryDelayMs, StoredDeliverSm, storedPdu } from './delivery-pump';

describe("registered_delivery's receipt bits", () => {
  it.each([
    [0, 'delivered', false],
    [0, 'failed', false],
    [1, 'delivered', true],
    [1, 'expired', true],
    [2, 'delivered', false],
    [2, 'failed', true],
    [2, 'rejected', true],
    [3, 'failed', false],
    [0x11, 'delivered', true], // intermediate notification bit set too: the final one still goes
  ] as const)('%i with %s: %s', (bits, status, wanted) => {
    expect(wantsReceipt(bits, status)).toBe(wanted);
  });
});

it('stores a deliver_sm as JSON and reads back the same fields and bytes', () => {
  const pdu = receiptPdu({
    submitId: '01a243a9-840c-7484-acdb-7bd40b0d98b8',
    status: 'delivered',
    submittedAt: new Date('2026-12-05T00:00:00Z'),
    doneAt: new Date('2026-12-05T00:01:00Z'),
    source: 'ACME',
    destination: '+254712345678',
    textHead: 'Hello @ world',
  });
  expect(pduOf(JSON.parse(JSON.stringify(storedPdu(pdu))) as StoredDeliverSm)).toEqual(pdu);
});

it('waits longer after each failed delivery, up to a minute', () => {
  expect([1, 2, 3, 4, 7, 8, 20].map(retryDelayMs)).toEqual([
    1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
  ]);
});
