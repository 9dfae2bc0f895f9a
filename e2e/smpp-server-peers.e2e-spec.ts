import {
  createChannel,
  createWorkspace,
  KannelEsme,
  runJsmppEsme,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';

interface Account {
  id: string;
  systemId: string;
  password: string;
}

/**
 * ESMEs we did not write use smsgate as their SMSC. Kannel: bearerbox binds to smsgate's SMPP server
 * (one transceiver; then a transmitter and a receiver), messages go in through Kannel's sendsms, reach
 * the SMSC simulator behind smsgate, and their delivery reports come back to Kannel's dlr-url. jsmpp: a
 * client written with the Java library binds, submits (SAR parts too) and gets its receipts.
 */
describe('Kannel and jsmpp as ESMEs of the SMPP server', () => {
  let smsc: SmscSimulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let server: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;
  let kannel: KannelEsme | undefined;
  const run = Date.now().toString(36).slice(-7);
  let accounts = 0;

  beforeAll(async () => {
    smsc = await new SmscSimulator({ systemId: 'e2e-kan', password: 'kanpw42' }).start();
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-kannel-esme-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-kannel-esme-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-kannel-esme-e2e', common),
      startInFreshGroup('smpp-server', 'smpp-server-kannel-esme-e2e', {
        ...common,
        SMPP_DELIVERY_POLL_INTERVAL_MS: '500',
      }),
    ]);
    [ingress, , , , server] = services;
    workspace = await createWorkspace(ingress.url, 'e2e kannel esme');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-kan', window: 20 },
        secrets: { password: 'kanpw42' },
      })
    ).uuid;
  });

  afterEach(async () => {
    await kannel?.stop();
    kannel = undefined;
  });

  afterAll(async () => {
    await Promise.all((services ?? []).map((service) => service.stop()));
    await smsc?.stop();
  });

  const createAccount = async (fields: Record<string, unknown> = {}): Promise<Account> => {
    const response = await fetch(`${ingress.url}/v1/smpp-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ systemId: `k${run}-${++accounts}`, channel, maxBinds: 4, ...fields }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Account;
  };

  const submitsTo = (destination: string) =>
    smsc.submits.filter((s) => s.pdu.destination.addr === destination);

  const reportOf = (ref: string) =>
    waitFor(() => kannel!.dlrs.find((dlr) => dlr.ref === ref && (dlr.type === 1 || dlr.type === 2)), {
      timeoutMs: 60_000,
      message: `Kannel's delivery report for ${ref}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nreports: ${JSON.stringify(kannel!.dlrs)}\n${kannel!.logs()}`);
    });

  it.each([['transceiver'], ['transmitter+receiver']] as const)(
    'binds as %s, and every message sent through sendsms reaches the SMSC with its delivery report back at dlr-url',
    async (mode) => {
      const inbound = mode === 'transceiver' ? '22101' : '22102';
      const account = await createAccount({ inboundAddresses: [inbound] });
      kannel = await KannelEsme.start({
        port: server.smppPort,
        systemId: account.systemId,
        password: account.password,
        mode,
      });
      const prefix = mode === 'transceiver' ? '2547130' : '2547140';
      const messages = [
        { ref: 'plain', to: `${prefix}00001`, text: 'Hello from Kannel' },
        { ref: 'extended', to: `${prefix}00002`, text: 'Price: 10€ [ok] {x}' },
        { ref: 'ucs2', to: `${prefix}00003`, text: 'Ελληνικά κείμενα', coding: 2 as const },
        {
          ref: 'long',
          to: `${prefix}00004`,
          text: 'A long message from Kannel, split by Kannel into parts. '.repeat(5),
        },
      ];
      for (const message of messages) await kannel.sendSms({ ...message, to: `+${message.to}` });
      for (const message of messages) {
        const report = await reportOf(message.ref);
        expect(report.type).toBe(1);
        await waitFor(() => submitsTo(message.to).length > 0, { message: `${message.ref} at the SMSC` });
        expect(
          submitsTo(message.to)
            .map((part) => part.text)
            .join(''),
        ).toBe(message.text);
      }
      // An MO to the account's inbound address reaches Kannel's sms-service (on the receiver of a pair).
      await smsc.deliverMo({
        from: { ton: 1, npi: 1, addr: '254722100001' },
        to: { ton: 0, npi: 0, addr: inbound },
        text: `MO for Kannel ${mode}`,
      });
      await waitFor(() => kannel!.mos.find((mo) => mo.text === `MO for Kannel ${mode}`), {
        timeoutMs: 60_000,
        message: "the MO at Kannel's sms-service",
      });
      // The transmitter and the receiver are both bound (or the one transceiver).
      expect((await kannel.bindStatus()).split('(online ').length - 1).toBe(mode === 'transceiver' ? 1 : 2);
    },
  );

  it('reports a message the SMSC refuses as failed at dlr-url', async () => {
    smsc.options.onSubmit = (submit) => (submit.text === 'refuse me' ? { status: 0x0b } : undefined);
    const account = await createAccount();
    kannel = await KannelEsme.start({
      port: server.smppPort,
      systemId: account.systemId,
      password: account.password,
      mode: 'transceiver',
    });
    await kannel.sendSms({ ref: 'refused', to: '+254713900001', text: 'refuse me' });
    expect((await reportOf('refused')).type).toBe(2);
    smsc.options.onSubmit = undefined;
  });

  it('takes a jsmpp client: plain, UCS-2 and a message in SAR parts reach the SMSC, and every submit gets its receipt', async () => {
    const account = await createAccount({ inboundAddresses: ['22103'] });
    const long = 'A long message from jsmpp in two SAR parts. '.repeat(4);
    const events = await runJsmppEsme({
      port: server.smppPort,
      systemId: account.systemId,
      password: account.password,
      submits: [
        { to: '254715000001', text: 'Hello from jsmpp' },
        { to: '254715000002', text: 'Ελληνικά από jsmpp' },
        { to: '254715000003', text: long.slice(0, 100), sar: { reference: 77, total: 2, sequence: 1 } },
        { to: '254715000003', text: long.slice(100), sar: { reference: 77, total: 2, sequence: 2 } },
      ],
      // Four receipts and the MO sent once it is bound.
      deliveries: 5,
      onEvent: (event) => {
        if (event.event === 'bound')
          void smsc.deliverMo({
            from: { ton: 1, npi: 1, addr: '254722100002' },
            to: { ton: 0, npi: 0, addr: '22103' },
            text: 'MO for jsmpp',
          });
      },
    });
    expect(events.filter((e) => e.event === 'mo')).toEqual([
      expect.objectContaining({ from: '254722100002', to: '22103', text: 'MO for jsmpp' }),
    ]);
    const submitted = events.filter((e) => e.event === 'submitted');
    expect(events.filter((e) => e.event === 'refused' || e.event === 'error')).toEqual([]);
    expect(submitted).toHaveLength(4);
    const receipts = events.filter((e) => e.event === 'receipt');
    expect(receipts.map((r) => r.id).sort()).toEqual(submitted.map((s) => s.id).sort());
    expect(receipts.map((r) => r.stat)).toEqual(Array(4).fill('DELIVRD'));
    expect(submitsTo('254715000001').map((s) => s.text)).toEqual(['Hello from jsmpp']);
    expect(submitsTo('254715000002').map((s) => s.text)).toEqual(['Ελληνικά από jsmpp']);
    expect(
      submitsTo('254715000003')
        .map((s) => s.text)
        .join(''),
    ).toBe(long);
  });
});
