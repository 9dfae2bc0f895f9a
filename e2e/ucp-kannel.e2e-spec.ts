import { KannelEsme, UcpSimulator, waitFor } from '@smsgate/testing';

/**
 * Our UCP/EMI SMSC simulator checked against an implementation we did not write: Kannel's bearerbox
 * (`smsc = emi`) logs in to it, messages sent through Kannel's sendsms arrive decoded as Kannel meant
 * them, and the simulator's MOs and delivery notifications reach Kannel's sms-service and dlr-url.
 * smsgate's own UCP channel is then tested against this simulator (e2e/ucp.e2e-spec.ts).
 */
describe('the UCP simulator against Kannel (smsc = emi)', () => {
  let smsc: UcpSimulator;
  let kannel: KannelEsme;

  beforeAll(async () => {
    smsc = await new UcpSimulator({ address: '4711', password: 'kannel42' }).start();
    kannel = await KannelEsme.startWith({
      groups: `group = smsc
smsc = emi
smsc-id = smsgate
host = "127.0.0.1"
port = ${smsc.port}
smsc-username = "4711"
smsc-password = "kannel42"
keepalive = 5
window = 10
reconnect-delay = 1
`,
      online: 1,
    });
  }, 60_000);

  afterAll(async () => {
    await kannel?.stop();
    await smsc?.stop();
  });

  const submitsTo = (to: string) => smsc.submits.filter((submit) => submit.message.adc.endsWith(to));
  const arrived = (to: string, count = 1) =>
    waitFor(() => submitsTo(to).length >= count, {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: `${count} submit(s) to ${to}\n${kannel.logs()}`,
    });
  const dlrFor = (ref: string) =>
    waitFor(() => kannel.dlrs.find((dlr) => dlr.ref === ref && (dlr.type === 1 || dlr.type === 2)), {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: `a final DLR for ${ref}\n${kannel.logs()}`,
    });

  it('logs Kannel in with operation 60 and the account it was given', () => {
    expect(smsc.logins).toContainEqual({ address: '4711', accepted: true });
  });

  it('receives plain text and GSM extension characters as Kannel sent them, with a delivered report back', async () => {
    const text = 'Hello from Kannel: € [x] {y} ^~\\| @£$';
    await kannel.sendSms({ to: '254711000001', from: '22000', text, ref: 'plain', dlrMask: 3 });
    await arrived('254711000001');
    const [submit] = submitsTo('254711000001');
    expect(submit.text).toBe(text);
    expect(submit.message).toMatchObject({ oadc: '22000', alphanumeric: false, nrq: true });
    expect(submit.fields.MT).toBe('3');
    await expect(dlrFor('plain')).resolves.toMatchObject({ type: 1 });
  });

  it('reads an alphanumeric sender (OTOA 5039, packed septets)', async () => {
    await kannel.sendSms({ to: '254711000002', from: 'SMSGATE', text: 'alpha', ref: 'alpha', dlrMask: 0 });
    await arrived('254711000002');
    expect(submitsTo('254711000002')[0].message).toMatchObject({ oadc: 'SMSGATE', alphanumeric: true });
    expect(submitsTo('254711000002')[0].fields.OTOA).toBe('5039');
  });

  it('receives UCS-2 as MT 4 with XSer DCS 08', async () => {
    const text = 'Привет, мир ✓ 你好';
    await kannel.sendSms({ to: '254711000003', from: '22000', text, ref: 'ucs2', coding: 2, dlrMask: 0 });
    await arrived('254711000003');
    const [submit] = submitsTo('254711000003');
    expect(submit.fields.MT).toBe('4');
    expect(submit.message.dcs).toBe(8);
    expect(submit.text).toBe(text);
  });

  it('receives a long text Kannel split into UDH parts (XSer 01), which join to the text', async () => {
    const text = 'A long message through Kannel, split into parts with a user data header. '.repeat(3);
    await kannel.sendSms({ to: '254711000004', from: '22000', text, ref: 'long', dlrMask: 0 });
    await arrived('254711000004', 2);
    const parts = submitsTo('254711000004');
    expect(parts.map((part) => part.concatenation?.total)).toEqual([2, 2]);
    expect(new Set(parts.map((part) => part.concatenation?.reference)).size).toBe(1);
    const ordered = [...parts].sort((a, b) => a.concatenation!.sequence - b.concatenation!.sequence);
    expect(ordered.map((part) => part.text).join('')).toBe(text);
  });

  it('has a not-delivered notification (Dst 2) reach Kannel as a failed report', async () => {
    smsc.options.onSubmit = (submit) =>
      submit.text === 'fail me' ? { notification: { dst: 2, rsn: '107' } } : undefined;
    try {
      await kannel.sendSms({ to: '254711000005', from: '22000', text: 'fail me', ref: 'failed', dlrMask: 3 });
      await expect(dlrFor('failed')).resolves.toMatchObject({ type: 2 });
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('delivers MOs (operation 52) to Kannel: GSM text, UCS-2, and a long one in parts', async () => {
    // Kannel's smsbox trims the text it hands its services: no space at either end.
    const long = 'A long reply in two parts, joined by Kannel before its sms-service sees it. '
      .repeat(3)
      .trim();
    const results = [
      ...(await smsc.deliverMo({ from: '254722000001', to: '22000', text: 'Reply from a phone €' })),
      ...(await smsc.deliverMo({ from: '254722000002', to: '22000', text: 'Ответ ✓', ucs2: true })),
      ...(await smsc.deliverMo({
        from: '254722000003',
        to: '22000',
        text: long,
        parts: 2,
      })),
    ];
    expect(results.every((result) => result.ok)).toBe(true);
    const mo = (from: string) =>
      waitFor(() => kannel.mos.find((m) => m.from.endsWith(from)), {
        timeoutMs: 20_000,
        intervalMs: 50,
        message: `the MO from ${from}\n${kannel.logs()}`,
      });
    await expect(mo('254722000001')).resolves.toMatchObject({ to: '22000', text: 'Reply from a phone €' });
    await expect(mo('254722000002')).resolves.toMatchObject({ text: 'Ответ ✓' });
    await expect(mo('254722000003')).resolves.toMatchObject({ text: long });
  });
});
