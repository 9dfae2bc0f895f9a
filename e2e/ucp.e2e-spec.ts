import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  UcpSimulator,
  waitFor,
} from '@smsgate/testing';

interface StoredMessage {
  status: string;
  partCount: number | null;
  parts: { index: number; status: string; providerMessageId: string | null }[];
  history: { status: string; source: string; detail: Record<string, unknown> }[];
}

/**
 * A `ucp` channel end to end: POST /v1/messages → dispatcher → smpp-binds' UCP connection → our UCP/EMI
 * simulator (checked against Kannel in ucp-kannel.e2e-spec.ts) → its delivery notification →
 * dlr-tracker; and an MO from the simulator to an inbound message. Every service a process on the real
 * Kafka and PostgreSQL.
 */
describe('sending and receiving over UCP/EMI, end to end', () => {
  let smsc: UcpSimulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let smppBinds: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;

  beforeAll(async () => {
    smsc = await new UcpSimulator({ address: '7007', password: 'emi-pass' }).start();
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-ucp-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-ucp-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
        SUBMIT_HOLD_MS: '2000',
        RETRY_DELAYS_MS: '500',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-ucp-e2e', common),
    ]);
    [ingress, , smppBinds, tracker] = services;
    workspace = await createWorkspace(ingress.url, 'e2e ucp');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'ucp',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, username: '7007', window: 10, connections: 2 },
        secrets: { password: 'emi-pass' },
      })
    ).uuid;
  });

  const afterAllStops: (() => Promise<void>)[] = [];

  afterAll(async () => {
    await Promise.all(afterAllStops.map((stop) => stop()));
    if (process.env.UCP_E2E_DEBUG) console.log(smppBinds?.output.slice(-6_000));
    await Promise.all((services ?? []).map((service) => service.stop()));
    await smsc?.stop();
  });

  const send = async (body: Record<string, unknown>): Promise<string> => {
    const response = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, ...body }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { messages: { id: string }[] }).messages[0].id;
  };

  const stored = (id: string, status: string) =>
    waitFor(
      async () => {
        const response = await fetch(`${tracker.url}/v1/messages/${id}`, {
          headers: { authorization: `Bearer ${workspace.apiKey}` },
        });
        if (response.status !== 200) return undefined;
        const message = (await response.json()) as StoredMessage;
        return message.status === status ? message : undefined;
      },
      { timeoutMs: 60_000, message: `message ${id} ${status} in dlr-tracker` },
    );

  /** stored(), and when it times out, what the SMSC and dlr-tracker have of the message. */
  const storedOrExplain = (id: string, status: string, number: string) =>
    stored(id, status).catch(async (error: Error) => {
      const now = await fetch(`${tracker.url}/v1/messages/${id}`, {
        headers: { authorization: `Bearer ${workspace.apiKey}` },
      });
      const history = ((await now.json()) as StoredMessage).history.map((event) => [
        event.status,
        event.source,
        event.detail.smscMessageId,
      ]);
      throw new Error(
        `${error.message}\nat the SMSC: ${JSON.stringify(submitsTo(number).map((part) => [part.text.slice(0, 20), part.concatenation]))}\n` +
          `in dlr-tracker: ${JSON.stringify(history)}\n${smppBinds.output.slice(-2_000)}`,
      );
    });

  const submitsTo = (number: string) => smsc.submits.filter((submit) => submit.message.adc === number);

  it('logs in both connections, lists them in GET /v1/binds as a ucp channel, and never shows the password', async () => {
    await waitFor(
      async () => {
        const response = await fetch(`${smppBinds.url}/v1/binds`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await response.json()) as {
          channels: { channel: string; type: string; state: string; binds: { state: string }[] }[];
        };
        const entry = body.channels.find((item) => item.channel === channel);
        return entry?.type === 'ucp' && entry.binds.filter((bind) => bind.state === 'bound').length === 2;
      },
      { timeoutMs: 30_000, message: 'both UCP connections logged in' },
    );
    expect(smsc.logins.filter((login) => login.accepted)).toHaveLength(2);
    expect(smppBinds.output).not.toContain('emi-pass');
    const metrics = await (await fetch(`${smppBinds.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`smsgate_smpp_binds\\{channel="${channel}",state="bound"[^}]*\\} 2\\n`),
    );
  });

  it('sends GSM text (extension characters too) and reports it delivered from the notification', async () => {
    const text = 'Hello over UCP: € [x] {y} @£$';
    const id = await send({ to: '+254712345601', text });
    const message = await stored(id, 'delivered');
    const [submit] = submitsTo('00254712345601');
    expect(submit.text).toBe(text);
    expect(submit.message).toMatchObject({ oadc: '22000', nrq: true, nt: 3 });
    expect(submit.fields.MT).toBe('3');
    // The ACK's SM (`AdC:SCTS`) is the id the notification was matched by.
    expect(message.history.find((event) => event.status === 'sent')?.detail).toMatchObject({
      smscMessageId: submit.messageId,
    });
    expect(message.history.map((event) => event.status)).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivered']),
    );
  });

  it('sends an alphanumeric sender as OTOA 5039', async () => {
    const id = await send({ to: '+254712345602', text: 'from a name', from: 'CLINIC' });
    await stored(id, 'delivered');
    expect(submitsTo('00254712345602')[0].message).toMatchObject({ oadc: 'CLINIC', alphanumeric: true });
  });

  it('sends a long UCS-2 message as UDH parts (MT 4, XSer DCS 08), delivered when every part is', async () => {
    const text = 'Ελληνικά και ελληνικά κείμενα. '.repeat(6).slice(0, 150);
    const id = await send({ to: '+254712345603', text });
    const message = await stored(id, 'delivered');
    expect(message.partCount).toBe(3);
    const parts = submitsTo('00254712345603');
    expect(parts).toHaveLength(3);
    expect(parts.every((part) => part.fields.MT === '4' && part.message.dcs === 8)).toBe(true);
    expect(new Set(parts.map((part) => part.concatenation?.reference)).size).toBe(1);
    const ordered = [...parts].sort((a, b) => a.concatenation!.sequence - b.concatenation!.sequence);
    expect(ordered.map((part) => part.text).join('')).toBe(text);
  });

  it('reports failed with the EMI error of a NACK, and failed for a not-delivered notification', async () => {
    smsc.options.onSubmit = (submit) =>
      submit.text === 'nack me'
        ? { nack: 6 }
        : submit.text === 'undeliverable'
          ? { notification: { dst: 2, rsn: '107' } }
          : undefined;
    try {
      const nacked = await stored(await send({ to: '+254712345604', text: 'nack me' }), 'failed');
      expect(nacked.history.find((event) => event.status === 'failed')?.detail).toMatchObject({
        ucpError: 6,
        ucpErrorName: 'EC 06 (AdC invalid)',
      });
      const notDelivered = await stored(await send({ to: '+254712345605', text: 'undeliverable' }), 'failed');
      expect(notDelivered.history.find((event) => event.status === 'failed')?.detail).toMatchObject({
        dst: 2,
        rsn: '107',
      });
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('reconciles a notification that arrives before the ACK', async () => {
    smsc.options.onSubmit = (submit) => (submit.text === 'race' ? { notificationFirst: true } : undefined);
    try {
      await stored(await send({ to: '+254712345606', text: 'race' }), 'delivered');
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it("sends a message's files as URLs after the text where the channel says append_url, and refuses them where it does not", async () => {
    // An SMSC account of its own: an SMSC may send an account's notifications on any of its connections.
    const files = await new UcpSimulator({ address: '7008', password: 'emi-pass' }).start();
    afterAllStops.push(() => files.stop());
    const appending = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'ucp',
        name: 'ucp with files',
        address: '22001',
        config: { host: '127.0.0.1', port: files.port, username: '7008', attachments: 'append_url' },
        secrets: { password: 'emi-pass' },
      })
    ).uuid;
    const file = 'https://files.example.org/clinic/card.pdf';
    const id = await send({
      channel: appending,
      to: '+254712345608',
      text: 'Your card',
      attachments: [file],
    });
    await stored(id, 'delivered');
    expect(files.submits.map((submit) => submit.text)).toEqual([`Your card\n${file}`]);
    const refused = await fetch(`${ingress.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, to: '+254712345609', text: 'no files here', attachments: [file] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('ucp channels send no MMS');
  });

  it('never submits an acknowledged part again when smpp-binds is SIGKILLed mid-message', async () => {
    const text = 'A three-part message whose second part the SMSC does not answer before the crash. '.repeat(
      5,
    );
    let held: (typeof smsc.submits)[number] | undefined;
    smsc.options.onSubmit = (submit) => {
      if (submit.message.adc !== '00254712345610' || submit.concatenation?.sequence !== 2 || held)
        return undefined;
      held = submit;
      return { noResponse: true };
    };
    try {
      const id = await send({ to: '+254712345610', text });
      await waitFor(() => held !== undefined && submitsTo('00254712345610').length === 3, {
        timeoutMs: 30_000,
        intervalMs: 20,
        message: 'all three parts at the SMSC, the second unanswered',
      });
      // The two answered parts reach the submit ledger; then the process dies with the second in flight.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await smppBinds.stop('SIGKILL');
      await smppBinds.restart();
      await storedOrExplain(id, 'delivered', '00254712345610');
      const parts = submitsTo('00254712345610');
      const answered = parts.filter((part) => part !== held);
      // Each part answered exactly once; only the unanswered one went again.
      expect(answered.map((part) => part.concatenation?.sequence).sort()).toEqual([1, 2, 3]);
      expect(parts).toHaveLength(4);
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('receives MOs (operation 52), a long UCS-2 one in parts, as inbound messages of the channel', async () => {
    const long = 'Ответ из двух частей, собранный smsgate. '.repeat(3).trim();
    const results = [
      ...(await smsc.deliverMo({ from: '00254722000011', to: '22000', text: 'Yes, I will come €' })),
      ...(await smsc.deliverMo({ from: '00254722000012', to: '22000', text: long, ucs2: true, parts: 2 })),
    ];
    expect(results.every((result) => result.ok)).toBe(true);
    const inbound = await waitFor(
      async () => {
        const response = await fetch(`${tracker.url}/v1/messages?channel=${channel}&direction=in`, {
          headers: { authorization: `Bearer ${workspace.apiKey}` },
        });
        const page = (await response.json()) as { data: { from: string; text: string }[] };
        return page.data.length >= 2 ? page.data : undefined;
      },
      { timeoutMs: 30_000, message: 'two inbound messages stored' },
    );
    expect(inbound).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: '+254722000011', text: 'Yes, I will come €' }),
        expect.objectContaining({ from: '+254722000012', text: long }),
      ]),
    );
  });
});
