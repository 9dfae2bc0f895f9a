import { smppAbsoluteTime, Status } from '@smsgate/smpp';
import { account, submitSm } from './smpp-server.testing';
import { SubmitPdu, validateSubmit } from './submit-validation';

const submit = (fields: Parameters<typeof submitSm>[0] = {}) => submitSm(fields) as SubmitPdu;

describe('a submit’s times', () => {
  it('reads validity_period as when the message expires', () => {
    const until = new Date(Date.now() + 3_600_000);
    until.setUTCMilliseconds(0);
    const result = validateSubmit(submit({ validityPeriod: smppAbsoluteTime(until) }), account());
    expect(result).toMatchObject({ ok: true, submit: { expiresAt: until } });
    expect(validateSubmit(submit({ validityPeriod: '000001000000000R' }), account())).toMatchObject({
      ok: true,
      submit: { expiresAt: expect.any(Date) },
    });
    expect(validateSubmit(submit(), account())).toMatchObject({ ok: true, submit: { validityPeriod: '' } });
  });

  it('refuses a validity_period that is not an SMPP time, or has passed, with ESME_RINVEXPIRY', () => {
    for (const validityPeriod of ['tomorrow', smppAbsoluteTime(new Date(Date.now() - 60_000))])
      expect(validateSubmit(submit({ validityPeriod }), account())).toMatchObject({
        ok: false,
        status: Status.ESME_RINVEXPIRY,
      });
  });

  it('refuses a scheduled delivery with ESME_RINVSCHED rather than sending it at once', () => {
    expect(validateSubmit(submit({ scheduleDeliveryTime: '000000010000000R' }), account())).toMatchObject({
      ok: false,
      status: Status.ESME_RINVSCHED,
    });
  });
});
