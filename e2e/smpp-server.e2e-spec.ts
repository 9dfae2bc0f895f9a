import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  freePort,
  selfSignedCertificate,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestEsme,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';
import { encodeText } from '@smsgate/smpp';

interface Account {
  id: string;
  systemId: string;
  password: string;
}

/**
 * smsgate as an SMSC: an ESME binds to the SMPP server, submits, and gets its receipts over SMPP.
 * ESME → smpp-server → Kafka → dispatcher → smpp-binds → an SMSC (our simulator) → its receipt →
 * dlr-tracker → smpp-server → deliver_sm to the ESME; every service a process on the real Kafka and
 * PostgreSQL.
 */
describe('the SMPP server, end to end', () => {
  let smsc: SmscSimulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let server: ServiceProcess;
  let smppPort: number;
  let tlsPort: number;
  let certificate: ReturnType<typeof selfSignedCertificate>;
  let workspace: TestWorkspace;
  let channel: string;
  const esmes: TestEsme[] = [];

  beforeAll(async () => {
    smsc = await new SmscSimulator({ systemId: 'e2e-srv', password: 'srvpw42' }).start();
    certificate = selfSignedCertificate();
    tlsPort = await freePort();
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-smpp-server-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-smpp-server-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-smpp-server-e2e', common),
      startInFreshGroup('smpp-server', 'smpp-server-e2e', {
        ...common,
        SMPP_DELIVERY_POLL_INTERVAL_MS: '500',
        SMPP_ACCOUNT_CHECK_INTERVAL_MS: '500',
        SMPP_TLS_PORT: String(tlsPort),
        SMPP_TLS_CERT_FILE: certificate.certFile,
        SMPP_TLS_KEY_FILE: certificate.keyFile,
      }),
    ]);
    [ingress, , , tracker, server] = services;
    smppPort = server.smppPort;
    workspace = await createWorkspace(ingress.url, 'e2e smpp server');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-srv', window: 20 },
        secrets: { password: 'srvpw42' },
      })
    ).uuid;
  });

  afterEach(() => {
    for (const esme of esmes.splice(0)) esme.close();
  });

  afterAll(async () => {
    if (process.env.SMPP_SERVER_E2E_DEBUG) console.log(server?.output.slice(-10_000));
    await Promise.all((services ?? []).map((service) => service.stop()));
    await smsc?.stop();
  });

  let accounts = 0;
  // system_ids are unique across smsgate: this run's own (the database outlives a run).
  const run = Date.now().toString(36).slice(-7);
  const createAccount = async (fields: Record<string, unknown> = {}): Promise<Account> => {
    const response = await fetch(`${ingress.url}/v1/smpp-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ systemId: `e${run}-${++accounts}`, channel, maxBinds: 4, ...fields }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Account;
  };

  const bind = async (account: Account, mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver') => {
    const esme = await TestEsme.bound(smppPort, mode, account.systemId, account.password);
    esmes.push(esme);
    return esme;
  };

  const messageStatus = async (id: string): Promise<string | undefined> => {
    const response = await fetch(`${tracker.url}/v1/messages/${id}`, {
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    });
    return response.status === 200 ? ((await response.json()) as { status: string }).status : undefined;
  };

  const submitsTo = (destination: string) =>
    smsc.submits.filter((s) => s.pdu.destination.addr === destination);

  it('takes a submit_sm into the pipeline and sends its receipt back on the same transceiver bind', async () => {
    const esme = await bind(await createAccount());
    const answer = await esme.submit({
      destination: { ton: 1, npi: 1, addr: '254711000001' },
      text: 'Hello from an ESME',
      registeredDelivery: 1,
    });
    expect(answer.status).toBe(0);
    expect(answer.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const receipt = await esme.receiptFor(answer.messageId);
    expect(receipt.fields).toMatchObject({ messageId: answer.messageId, stat: 'DELIVRD', err: '000' });
    expect(receipt.fields?.text).toBe('Hello from an ESME');
    expect(receipt.pdu.source.addr).toBe('254711000001');
    expect(receipt.pdu.optional.messageState).toBe(2);
    expect(submitsTo('254711000001').map((s) => s.text)).toEqual(['Hello from an ESME']);
    expect(await messageStatus(answer.messageId)).toBe('delivered');
  });

  it("passes the SMSC's failure and its err: code on to the ESME's receipt", async () => {
    const esme = await bind(await createAccount());
    smsc.options.onSubmit = (submit) =>
      submit.text === 'Undeliverable' ? { receipt: { stat: 'UNDELIV', err: '034' } } : undefined;
    try {
      const answer = await esme.submit({
        destination: { ton: 1, npi: 1, addr: '254711000009' },
        text: 'Undeliverable',
        registeredDelivery: 1,
      });
      expect(answer.status).toBe(0);
      const receipt = await esme.receiptFor(answer.messageId);
      expect(receipt.fields).toMatchObject({ messageId: answer.messageId, stat: 'UNDELIV', err: '034' });
      expect(receipt.pdu.optional.messageState).toBe(5);
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('joins a long message submitted in UDH parts into one message and sends each part its receipt', async () => {
    const esme = await bind(await createAccount());
    const text = 'A long message from an ESME, split by the ESME itself into two parts. '.repeat(3);
    const septets = encodeText(text, 'gsm7');
    const halves = [septets.subarray(0, 153), septets.subarray(153)];
    const answers = [];
    for (const [index, half] of halves.entries())
      answers.push(
        await esme.submit({
          destination: { ton: 1, npi: 1, addr: '254711000002' },
          esmClass: 0x40,
          registeredDelivery: 1,
          shortMessage: Buffer.concat([Buffer.from([5, 0, 3, 0x2a, 2, index + 1]), half]),
        }),
      );
    expect(answers.map((a) => a.status)).toEqual([0, 0]);
    expect(new Set(answers.map((a) => a.messageId)).size).toBe(2);
    const receipts = await Promise.all(answers.map((a) => esme.receiptFor(a.messageId)));
    expect(receipts.map((r) => r.fields?.stat)).toEqual(['DELIVRD', 'DELIVRD']);
    // smpp-binds splits the joined text again for the SMSC, under one reference of its own.
    const parts = submitsTo('254711000002');
    expect(parts.map((part) => part.text).join('')).toBe(text);
  });

  it('keeps a receipt until the account binds a receiver, then delivers it', async () => {
    const account = await createAccount();
    const transmitter = await bind(account, 'transmitter');
    const answer = await transmitter.submit({
      destination: { ton: 1, npi: 1, addr: '254711000003' },
      text: 'Receipt waits',
      registeredDelivery: 1,
    });
    expect(answer.status).toBe(0);
    await waitFor(async () => (await messageStatus(answer.messageId)) === 'delivered', {
      timeoutMs: 60_000,
      message: 'the message delivered',
    });
    expect(transmitter.delivered).toEqual([]);
    const receiver = await bind(account, 'receiver');
    const receipt = await receiver.receiptFor(answer.messageId);
    expect(receipt.fields?.stat).toBe('DELIVRD');
    // Answered once: not sent again to a second receiver.
    const second = await bind(account, 'receiver');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(second.delivered).toEqual([]);
    expect(receiver.delivered.filter((d) => d.receiptedMessageId === answer.messageId)).toHaveLength(1);
  });

  it('takes binds over TLS on its TLS port, with receipts on the same session', async () => {
    const account = await createAccount();
    const esme = await TestEsme.bound(tlsPort, 'transceiver', account.systemId, account.password, {
      ca: certificate.cert,
      servername: 'localhost',
    });
    esmes.push(esme);
    const answer = await esme.submit({
      destination: { ton: 1, npi: 1, addr: '254711000009' },
      text: 'Over TLS',
      registeredDelivery: 1,
    });
    expect(answer.status).toBe(0);
    expect((await esme.receiptFor(answer.messageId)).fields?.stat).toBe('DELIVRD');
    // Plain SMPP on the TLS port never becomes a session.
    const plain = await TestEsme.connect(tlsPort);
    esmes.push(plain);
    await expect(plain.bind('transceiver', account.systemId, account.password)).rejects.toThrow();
  });

  it('delivers MOs to the account whose inbound addresses include their destination, long ones in parts', async () => {
    const account = await createAccount({ inboundAddresses: ['+22001'] });
    const other = await createAccount({ inboundAddresses: ['22009'] });
    const esme = await bind(account);
    const bystander = await bind(other);
    const from = { ton: 1, npi: 1, addr: '254722000001' };
    expect(await smsc.deliverMo({ from, to: { ton: 0, npi: 0, addr: '22001' }, text: 'Hello ESME' })).toEqual(
      [0],
    );
    const mo = await esme.waitForDelivered((d) => !d.receipt && d.text === 'Hello ESME');
    // An international number as SMPP writes it: TON 1, digits without the plus.
    expect(mo.pdu.source).toMatchObject({ ton: 1, addr: '254722000001' });
    expect(mo.pdu.destination.addr).toBe('22001');
    const long = 'Ελληνικά, ένα μακρύ μήνυμα σε κομμάτια. '.repeat(5);
    await smsc.deliverMo({ from, to: { ton: 0, npi: 0, addr: '22001' }, text: long, encoding: 'ucs2' });
    await waitFor(
      () =>
        esme.delivered
          .filter((d) => !d.receipt && d.pdu.dataCoding === 8)
          .map((d) => d.text)
          .join('') === long,
      { timeoutMs: 60_000, message: 'the long MO in its parts' },
    );
    expect(bystander.delivered).toEqual([]);
  });

  it('answers a resend of an answered submit with the same id and sends it once', async () => {
    const account = await createAccount();
    const first = await bind(account);
    const submit = { destination: { ton: 1, npi: 1, addr: '254711000004' }, text: 'Sent once' };
    const answer = await first.submit(submit, 4242);
    expect(answer.status).toBe(0);
    first.close();
    const again = await bind(account);
    const resent = await again.submit(submit, 4242);
    expect(resent).toMatchObject({ status: 0, messageId: answer.messageId });
    await waitFor(async () => (await messageStatus(answer.messageId)) === 'delivered', {
      timeoutMs: 60_000,
      message: 'the message delivered',
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(submitsTo('254711000004')).toHaveLength(1);
    // Another sequence number is another message.
    const other = await again.submit(submit, 4243);
    expect(other.messageId).not.toBe(answer.messageId);
  });

  it('refuses wrong credentials and disabled accounts, and unbinds the sessions of an account disabled or given a new password', async () => {
    const account = await createAccount();
    const refused = async (systemId: string, password: string) => {
      const esme = await TestEsme.connect(smppPort);
      esmes.push(esme);
      return esme.bind('transceiver', systemId, password);
    };
    expect(await refused('nobody-here', 'whatever')).toBe(0x0f); // ESME_RINVSYSID
    expect(await refused(account.systemId, 'wrong123')).toBe(0x0e); // ESME_RINVPASWD
    const patch = (body: object) =>
      fetch(`${ingress.url}/v1/smpp-accounts/${account.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bound = await bind(account);
    const sessions = async () =>
      (await (
        await fetch(`${server.url}/v1/smpp-server/sessions`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as { sessions: { account: string; mode: string }[] };
    expect((await sessions()).sessions).toEqual(
      expect.arrayContaining([expect.objectContaining({ account: account.systemId, mode: 'transceiver' })]),
    );
    expect((await fetch(`${server.url}/v1/smpp-server/sessions`)).status).toBe(401);
    expect(JSON.stringify(await sessions())).not.toContain(account.password);
    expect((await patch({ enabled: false })).status).toBe(200);
    await bound.closed;
    expect(await refused(account.systemId, account.password)).toBe(0x0d); // ESME_RBINDFAIL
    expect((await patch({ enabled: true })).status).toBe(200);
    const again = await bind(account);
    const rotated = await fetch(`${ingress.url}/v1/smpp-accounts/${account.id}/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}` },
    });
    expect(rotated.status).toBe(201);
    const { password } = (await rotated.json()) as { password: string };
    await again.closed;
    await bind({ ...account, password });
    expect(server.output).not.toContain(account.password);
    expect(server.output).not.toContain(password);
  });

  it('drains on SIGTERM: every submit in flight is answered, then the session is unbound', async () => {
    const account = await createAccount();
    const esme = await bind(account);
    const answers = Array.from({ length: 40 }, (_, i) =>
      esme.submit({
        destination: { ton: 1, npi: 1, addr: `2547160${String(i).padStart(5, '0')}` },
        text: `drain ${i}`,
      }),
    );
    const first = await answers[0];
    expect(first.status).toBe(0);
    const stopped = server.stop('SIGTERM');
    // Answered, each one: accepted, or refused because the server is draining (ESME_RSYSERR), never dropped.
    const statuses = await Promise.all(answers.map((answer) => answer.then((a) => a.status)));
    expect(statuses.every((status) => status === 0 || status === 0x08)).toBe(true);
    expect(await stopped).toBe(0);
    await esme.closed;
    expect(esme.unbound).toBe(true);
    await server.spawn();
    for (const [i, answer] of (await Promise.all(answers)).entries())
      if (answer.status === 0)
        await waitFor(async () => (await messageStatus(answer.messageId)) === 'delivered', {
          timeoutMs: 60_000,
          message: `drained message ${i} delivered`,
        });
  });

  it('loses nothing it answered when SIGKILLed mid-window', async () => {
    const account = await createAccount();
    const esme = await bind(account);
    const answered: string[] = [];
    const submits = Array.from({ length: 60 }, (_, i) =>
      esme
        .submit({
          destination: { ton: 1, npi: 1, addr: `2547120${String(i).padStart(5, '0')}` },
          text: `kill ${i}`,
        })
        .then((answer) => {
          if (answer.status === 0) answered.push(answer.messageId);
        })
        .catch(() => undefined),
    );
    await waitFor(() => answered.length >= 10, { timeoutMs: 30_000, message: 'ten answers' });
    await server.stop('SIGKILL');
    await Promise.all(submits);
    expect(answered.length).toBeGreaterThanOrEqual(10);
    await server.spawn();
    for (const id of answered)
      await waitFor(async () => (await messageStatus(id)) === 'delivered', {
        timeoutMs: 60_000,
        message: `answered message ${id} delivered`,
      });
  });
});
