import { smppAbsoluteTime, Status } from '@smsgate/smpp';
import { account, submitSm } from './smpp-server.testing';
import { validateSubmit } from './submit-validation';

describe('a submit’s times', () => {
  it('reads validity_period as when the message expires', () => {
    const until = new Date(Date.now() + 3_600_000);
    until.setUTCMilliseconds(0);
    const result = validateSubmit(submitSm({ validityPeriod: smppAbsoluteTime(until) }), account());
    expect(result).toMatchObject({ ok: true, submit: { expiresAt: until } });
    expect(validateSubmit(submitSm({ validityPeriod: '000001000000000R' }), account())).toMatchObject({
      ok: true,
      submit: { expiresAt: expect.any(Date) },
    });
    expect(validateSubmit(submitSm(), account())).toMatchObject({ ok: true, submit: { validityPeriod: '' } });
  });

  it('refuses a validity_period that is not an SMPP time, or has passed, with ESME_RINVEXPIRY', () => {
    for (const validityPeriod of ['tomorrow', smppAbsoluteTime(new Date(Date.now() - 60_000))])
      expect(validateSubmit(submitSm({ validityPeriod }), account())).toMatchObject({
        ok: false,
        status: Status.ESME_RINVEXPIRY,
      });
  });

  it('refuses a scheduled delivery with ESME_RINVSCHED rather than sending it at once', () => {
    expect(validateSubmit(submitSm({ scheduleDeliveryTime: '000000010000000R' }), account())).toMatchObject({
      ok: false,
      status: Status.ESME_RINVSCHED,
    });
  });
});
