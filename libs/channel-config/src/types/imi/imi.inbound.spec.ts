import { parseImiMo, readImiReport } from './imi.inbound';

const CHANNEL_ID = '0190a5c6-1b2c-7d3e-8f40-123456789abc';
const MESSAGE_ID = '0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const TRANSID = 'f9793c83-f0b7-4200-99d9-20111c507baf';

describe('parseImiMo', () => {
  it('reads the sender, text, date and transaction id of an MO notification', () => {
    const mo = { oa: '919876543210', message: 'hi', tid: 'T-1', datetime: '2026-11-22T10:15:00Z' };
    expect(parseImiMo(mo, null)).toEqual({
      ok: true,
      from: '+919876543210',
      text: 'hi',
      sentAt: new Date('2026-11-22T10:15:00Z'),
      providerMessageId: 'T-1',
    });
  });

  it('refuses a body without a sender', () => {
    expect(parseImiMo({ message: 'hi' }, null)).toEqual({ ok: false, reason: "missing required field 'oa'" });
  });

  it('refuses a tid longer than events carry (the edge fuzz found a 500 there)', () => {
    const mo = { oa: '919876543210', message: 'hi' };
    expect(parseImiMo({ ...mo, tid: 't'.repeat(128) }, null)).toMatchObject({ ok: true });
    expect(parseImiMo({ ...mo, tid: 't'.repeat(129) }, null)).toEqual({
      ok: false,
      reason: "'tid' is longer than 128 characters",
    });
  });
});

describe('readImiReport', () => {
  const dr = (notification: Record<string, unknown>) => ({ deliveryInfoNotification: notification });

  it('reports by our message id (its correlationid), with the transid as the provider id', () => {
    const read = readImiReport(
      dr({ correlationid: MESSAGE_ID, transid: TRANSID, deliveryInfo: { code: '7500' } }),
      CHANNEL_ID,
    );
    expect(read).toMatchObject({
      ok: true,
      report: {
        messageId: MESSAGE_ID,
        providerMessageId: TRANSID,
        status: 'delivered',
        detail: { code: '7500', description: null, source: 'imi dr' },
      },
    });
  });

  it('reports by the transid alone when the correlationid is not our id', () => {
    const read = readImiReport(dr({ correlationid: 'theirs', transid: TRANSID }), CHANNEL_ID);
    expect(read).toMatchObject({ ok: true, report: { providerMessageId: TRANSID, status: 'failed' } });
    expect(read.ok && read.report.messageId).toBeUndefined();
  });

  it('refuses a transid longer than events carry', () => {
    expect(readImiReport(dr({ transid: 'x'.repeat(129) }), CHANNEL_ID)).toEqual({
      ok: false,
      reason: "'transid' is longer than 128 characters",
    });
  });

  it('gives a repeated report the same event id', () => {
    const body = dr({ transid: TRANSID, deliveryInfo: { code: '7500' } });
    const first = readImiReport(body, CHANNEL_ID);
    const again = readImiReport(body, CHANNEL_ID);
    expect(first.ok && again.ok && first.report.eventId === again.report.eventId).toBe(true);
  });

  it('refuses a body that is no DR notification', () => {
    expect(readImiReport({}, CHANNEL_ID)).toEqual({
      ok: false,
      reason: "missing 'deliveryInfoNotification'",
    });
  });
});
