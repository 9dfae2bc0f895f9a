import { Cimd2Simulator, KannelEsme, waitFor } from '@smsgate/testing';

/**
 * Our CIMD2 SMSC simulator checked against an implementation we did not write: Kannel's bearerbox
 * (`smsc = cimd2`) logs in to it, messages sent through Kannel's sendsms arrive decoded as Kannel meant
 * them, and the simulator's MOs and status reports reach Kannel's sms-service and dlr-url. smsgate's
 * own CIMD2 channel is then tested against this simulator (e2e/cimd2.e2e-spec.ts).
 */
describe('the CIMD2 simulator against Kannel (smsc = cimd2)', () => {
  let smsc: Cimd2Simulator;
  let kannel: KannelEsme;

  beforeAll(async () => {
    smsc = await new Cimd2Simulator({ userId: 'kannel', password: 'cimd-pw' }).start();
    kannel = await KannelEsme.startWith({
      groups: `group = smsc
smsc = cimd2
smsc-id = smsgate
host = "127.0.0.1"
port = ${smsc.port}
smsc-username = "kannel"
smsc-password = "cimd-pw"
keepalive = 5
reconnect-delay = 1
`,
      online: 1,
    });
  }, 60_000);

  afterAll(async () => {
    await kannel?.stop();
    await smsc?.stop();
  });

  const submitsTo = (to: string) => smsc.submits.filter((submit) => submit.message.destination.endsWith(to));
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

  it('logs Kannel in with operation 01 and the user it was given', () => {
    expect(smsc.logins).toContainEqual({ userId: 'kannel', accepted: true });
  });

  it('receives text with CIMD2 escapes (@, £, €, extension characters) as Kannel sent it, with a delivered report back', async () => {
    const text = 'Hello from Kannel: @ £ $ € [x] {y} ^~\\| "q" äöü';
    await kannel.sendSms({ to: '254711000001', from: '22000', text, ref: 'plain', dlrMask: 3 });
    await arrived('254711000001');
    const [submit] = submitsTo('254711000001');
    expect(submit.text).toBe(text);
    expect(submit.message).toMatchObject({ originator: '22000', alphanumeric: false });
    expect(submit.message.statusReportRequest).toBeGreaterThan(0);
    await expect(dlrFor('plain')).resolves.toMatchObject({ type: 1 });
  });

  it('reads an alphanumeric sender (parameter 027)', async () => {
    await kannel.sendSms({ to: '254711000002', from: 'SMSGATE', text: 'alpha', ref: 'alpha', dlrMask: 0 });
    await arrived('254711000002');
    expect(submitsTo('254711000002')[0].message).toMatchObject({ originator: 'SMSGATE', alphanumeric: true });
  });

  it('receives UCS-2 as binary user data (034) with data coding scheme 8', async () => {
    const text = 'Привет, мир ✓ 你好';
    await kannel.sendSms({ to: '254711000003', from: '22000', text, ref: 'ucs2', coding: 2, dlrMask: 0 });
    await arrived('254711000003');
    const [submit] = submitsTo('254711000003');
    expect(submit.message.dcs).toBe(8);
    expect(submit.text).toBe(text);
  });

  it('receives a long text Kannel split into parts with a user data header (032), which join to the text', async () => {
    const text = 'A long message through Kannel, split into parts with a user data header. '.repeat(3).trim();
    await kannel.sendSms({ to: '254711000004', from: '22000', text, ref: 'long', dlrMask: 0 });
    await arrived('254711000004', 2);
    const parts = submitsTo('254711000004');
    expect(parts.map((part) => part.concatenation?.total)).toEqual([2, 2]);
    const ordered = [...parts].sort((a, b) => a.concatenation!.sequence - b.concatenation!.sequence);
    expect(ordered.map((part) => part.text).join('')).toBe(text);
  });

  it('has a failed status report (status 3) reach Kannel as a failed report', async () => {
    smsc.options.onSubmit = (submit) =>
      submit.text === 'fail me' ? { report: { status: 3, errorCode: '001' } } : undefined;
    try {
      await kannel.sendSms({ to: '254711000005', from: '22000', text: 'fail me', ref: 'failed', dlrMask: 3 });
      await expect(dlrFor('failed')).resolves.toMatchObject({ type: 2 });
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('delivers MOs (operation 20) to Kannel: text with escapes, and UCS-2', async () => {
    const results = [
      ...(await smsc.deliverMo({ from: '254722000001', to: '22000', text: 'Reply @ 10, £5 [ok]' })),
      ...(await smsc.deliverMo({ from: '254722000002', to: '22000', text: 'Ответ ✓', ucs2: true })),
    ];
    expect(results).toEqual([0, 0]);
    const mo = (from: string) =>
      waitFor(() => kannel.mos.find((m) => m.from.endsWith(from)), {
        timeoutMs: 20_000,
        intervalMs: 50,
        message: `the MO from ${from}\n${kannel.logs()}`,
      });
    await expect(mo('254722000001')).resolves.toMatchObject({ to: '22000', text: 'Reply @ 10, £5 [ok]' });
    await expect(mo('254722000002')).resolves.toMatchObject({ text: 'Ответ ✓' });
  });
});
