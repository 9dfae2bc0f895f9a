import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  startInFreshGroup,
  TestWorkspace,
  Cimd2Simulator,
  waitFor,
} from '@smsgate/testing';

interface StoredMessage {
  status: string;
  partCount: number | null;
  parts: { index: number; status: string; providerMessageId: string | null }[];
  history: { status: string; source: string; detail: Record<string, unknown> }[];
}

/**
 * A `cimd2` channel end to end: POST /v1/messages → dispatcher → smpp-binds' CIMD2 connection → our
 * CIMD2 simulator (checked against Kannel in cimd2-kannel.e2e-spec.ts) → its status report →
 * dlr-tracker; and an MO from the simulator to an inbound message. Every service a process on the real
 * Kafka and PostgreSQL.
 */
describe('sending and receiving over CIMD2, end to end', () => {
  let smsc: Cimd2Simulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let smppBinds: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;

  beforeAll(async () => {
    smsc = await new Cimd2Simulator({ userId: 'smsgate-e2e', password: 'cimd-pass' }).start();
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-cimd2-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-cimd2-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
        SUBMIT_HOLD_MS: '2000',
        RETRY_DELAYS_MS: '500',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-cimd2-e2e', common),
    ]);
    [ingress, , smppBinds, tracker] = services;
    workspace = await createWorkspace(ingress.url, 'e2e cimd2');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'cimd2',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, username: 'smsgate-e2e', window: 10, connections: 2 },
        secrets: { password: 'cimd-pass' },
      })
    ).uuid;
  });

  afterAll(async () => {
    if (process.env.CIMD2_E2E_DEBUG) console.log(smppBinds?.output.slice(-6_000));
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

  const submitsTo = (number: string) =>
    smsc.submits.filter((submit) => submit.message.destination === number);

  it('logs in both connections, lists them in GET /v1/binds as a cimd2 channel, and never shows the password', async () => {
    await waitFor(
      async () => {
        const response = await fetch(`${smppBinds.url}/v1/binds`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await response.json()) as {
          channels: { channel: string; type: string; state: string; binds: { state: string }[] }[];
        };
        const entry = body.channels.find((item) => item.channel === channel);
        return entry?.type === 'cimd2' && entry.binds.filter((bind) => bind.state === 'bound').length === 2;
      },
      { timeoutMs: 30_000, message: 'both CIMD2 connections logged in' },
    );
    expect(smsc.logins.filter((login) => login.accepted)).toHaveLength(2);
    expect(smppBinds.output).not.toContain('cimd-pass');
    const metrics = await (await fetch(`${smppBinds.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`smsgate_smpp_binds\\{channel="${channel}",state="bound"[^}]*\\} 2\\n`),
    );
  });

  it('sends GSM text (escapes and extension characters too) and reports it delivered from the status report', async () => {
    const text = 'Hello over CIMD2: € [x] {y} @£$ "q"';
    const id = await send({ to: '+254712345601', text });
    const message = await stored(id, 'delivered');
    const [submit] = submitsTo('+254712345601');
    expect(submit.text).toBe(text);
    expect(submit.message).toMatchObject({ originator: '22000', statusReportRequest: 62 });
    // The destination and the SMSC's time stamp are the id the status report was matched by.
    expect(message.history.find((event) => event.status === 'sent')?.detail).toMatchObject({
      smscMessageId: submit.messageId,
    });
    expect(message.history.map((event) => event.status)).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivered']),
    );
  });

  it('sends an alphanumeric sender as parameter 027', async () => {
    const id = await send({ to: '+254712345602', text: 'from a name', from: 'CLINIC' });
    await stored(id, 'delivered');
    expect(submitsTo('+254712345602')[0].message).toMatchObject({ originator: 'CLINIC', alphanumeric: true });
  });

  it('sends a long UCS-2 message as UDH parts (034 with DCS 8), delivered when every part is', async () => {
    const text = 'Ελληνικά και ελληνικά κείμενα. '.repeat(6).slice(0, 150);
    const id = await send({ to: '+254712345603', text });
    const message = await stored(id, 'delivered');
    expect(message.partCount).toBe(3);
    const parts = submitsTo('+254712345603');
    expect(parts).toHaveLength(3);
    expect(parts.every((part) => part.message.dcs === 8 && part.message.data !== undefined)).toBe(true);
    expect(new Set(parts.map((part) => part.concatenation?.reference)).size).toBe(1);
    const ordered = [...parts].sort((a, b) => a.concatenation!.sequence - b.concatenation!.sequence);
    expect(ordered.map((part) => part.text).join('')).toBe(text);
  });

  it('reports failed with the CIMD2 error of a refused submit, failed and expired from status reports', async () => {
    smsc.options.onSubmit = (submit) =>
      submit.text === 'refuse me'
        ? { error: 300 }
        : submit.text === 'undeliverable'
          ? { report: { status: 3, errorCode: '034' } }
          : submit.text === 'too late'
            ? { report: { status: 2 } }
            : undefined;
    try {
      const refused = await stored(await send({ to: '+254712345604', text: 'refuse me' }), 'failed');
      expect(refused.history.find((event) => event.status === 'failed')?.detail).toMatchObject({
        cimd2Error: 300,
        cimd2ErrorName: 'error 300 (incorrect destination address)',
      });
      const notDelivered = await stored(await send({ to: '+254712345605', text: 'undeliverable' }), 'failed');
      expect(notDelivered.history.find((event) => event.status === 'failed')?.detail).toMatchObject({
        statusCode: 3,
        statusErrorCode: '034',
      });
      await stored(await send({ to: '+254712345607', text: 'too late' }), 'expired');
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('reconciles a status report that arrives before the submit response', async () => {
    smsc.options.onSubmit = (submit) => (submit.text === 'race' ? { reportFirst: true } : undefined);
    try {
      await stored(await send({ to: '+254712345606', text: 'race' }), 'delivered');
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('never submits an acknowledged part again when smpp-binds is SIGKILLed mid-message', async () => {
    const text = 'A three-part message whose second part the SMSC does not answer before the crash. '.repeat(
      5,
    );
    let held: (typeof smsc.submits)[number] | undefined;
    smsc.options.onSubmit = (submit) => {
      if (submit.message.destination !== '+254712345610' || submit.concatenation?.sequence !== 2 || held)
        return undefined;
      held = submit;
      return { noResponse: true };
    };
    try {
      const id = await send({ to: '+254712345610', text });
      await waitFor(() => held !== undefined && submitsTo('+254712345610').length === 3, {
        timeoutMs: 30_000,
        intervalMs: 20,
        message: 'all three parts at the SMSC, the second unanswered',
      });
      // The two answered parts reach the submit ledger; then the process dies with the second in flight.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await smppBinds.stop('SIGKILL');
      await smppBinds.restart();
      await stored(id, 'delivered');
      const parts = submitsTo('+254712345610');
      const answered = parts.filter((part) => part !== held);
      // Each part answered exactly once; only the unanswered one went again.
      expect(answered.map((part) => part.concatenation?.sequence).sort()).toEqual([1, 2, 3]);
      expect(parts).toHaveLength(4);
    } finally {
      smsc.options.onSubmit = undefined;
    }
  });

  it('receives MOs (operation 20), a long UCS-2 one in parts, as inbound messages of the channel', async () => {
    const long = 'Ответ из двух частей, собранный smsgate. '.repeat(3).trim();
    const results = [
      ...(await smsc.deliverMo({ from: '+254722000011', to: '22000', text: 'Yes, I will come € @ 10' })),
      ...(await smsc.deliverMo({ from: '+254722000012', to: '22000', text: long, ucs2: true, parts: 2 })),
    ];
    expect(results).toEqual([0, 0, 0]);
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
        expect.objectContaining({ from: '+254722000011', text: 'Yes, I will come € @ 10' }),
        expect.objectContaining({ from: '+254722000012', text: long }),
      ]),
    );
  });
});
