import {
  ADMIN_TOKEN,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  SmscSimulator,
  startInFreshGroup,
  TestWorkspace,
  waitFor,
} from '@smsgate/testing';

interface StoredMessage {
  status: string;
  partCount: number | null;
  parts: { index: number; status: string; providerMessageId: string | null }[];
  history: { status: string; source: string; detail: Record<string, unknown> }[];
}

/**
 * The SMPP path as an app sees it: POST /v1/messages on ingress → dispatcher → smpp-binds → an SMSC
 * (our simulator) → its delivery receipt → dlr-tracker, which shows the message delivered. All four
 * services run as processes against the real Kafka and PostgreSQL.
 */
describe('sending over SMPP, end to end', () => {
  let smsc: SmscSimulator;
  let services: ServiceProcess[];
  let ingress: ServiceProcess;
  let tracker: ServiceProcess;
  let smppBinds: ServiceProcess;
  let workspace: TestWorkspace;
  let channel: string;

  beforeAll(async () => {
    smsc = await new SmscSimulator({ systemId: 'e2e-smpp', password: 'bindpw42' }).start();
    const common = serviceEnv();
    services = await Promise.all([
      ServiceProcess.start('ingress', common),
      startInFreshGroup('dispatcher', 'dispatcher-smpp-e2e', { ...common, CONFIG_CACHE_MS: '0' }),
      startInFreshGroup('smpp-binds', 'smpp-binds-e2e', {
        ...common,
        RECONCILE_INTERVAL_MS: '300',
        SUBMIT_HOLD_MS: '2000',
        RETRY_DELAYS_MS: '500',
      }),
      startInFreshGroup('dlr-tracker', 'dlr-tracker-smpp-e2e', common),
    ]);
    [ingress, , smppBinds, tracker] = services;
    workspace = await createWorkspace(ingress.url, 'e2e smpp');
    channel = (
      await createChannel(ingress.url, workspace.apiKey, {
        type: 'smpp',
        address: '22000',
        config: { host: '127.0.0.1', port: smsc.port, system_id: 'e2e-smpp', window: 20 },
        secrets: { password: 'bindpw42' },
      })
    ).uuid;
  });

  afterAll(async () => {
    if (process.env.SMPP_E2E_DEBUG) console.log(smppBinds?.output.slice(-6_000));
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

  it('binds the new channel, lists it in GET /v1/binds, and never shows its password', async () => {
    await waitFor(
      async () => {
        const response = await fetch(`${smppBinds.url}/v1/binds`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await response.json()) as { channels: { channel: string; state: string }[] };
        return body.channels.some((entry) => entry.channel === channel && entry.state === 'bound');
      },
      { timeoutMs: 30_000, message: 'the channel bound' },
    );
    const response = await fetch(`${smppBinds.url}/v1/binds`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await response.text()).not.toContain('bindpw42');
    expect(smppBinds.output).not.toContain('bindpw42');
    const metrics = await (await fetch(`${smppBinds.url}/metrics`)).text();
    expect(metrics).toContain(`smsgate_smpp_binds{channel="${channel}",state="bound"`);
  });

  it('reports a message delivered once the SMSC receipt came back', async () => {
    const id = await send({ to: '+254712345678', text: 'Hello over SMPP' });
    const message = await stored(id, 'delivered');
    const submit = smsc.submits.find((s) => s.text === 'Hello over SMPP')!;
    expect(submit.pdu.destination.addr).toBe('254712345678');
    expect(message.history.map((event) => event.status)).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivered']),
    );
  });

  it('sends a 300-character UCS-2 message as 5 parts with one reference, delivered when every part is', async () => {
    const text = 'Ελληνικά και ελληνικά κείμενα. '.repeat(10).slice(0, 300);
    const id = await send({ to: '+254712345679', text });
    const message = await stored(id, 'delivered');
    expect(message.partCount).toBe(5);
    expect(message.parts.map((part) => part.status)).toEqual(Array(5).fill('delivered'));
    expect(message.parts.every((part) => part.providerMessageId)).toBe(true);
    const parts = smsc.submits.filter((s) => s.pdu.destination.addr === '254712345679');
    expect(parts).toHaveLength(5);
    expect(new Set(parts.map((part) => part.concatenation?.reference)).size).toBe(1);
    expect(parts.map((part) => part.concatenation?.sequence).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(parts.every((part) => part.pdu.dataCoding === 8)).toBe(true);
  });

  it('reports failed with the SMSC status for a refused submit, and expired for an EXPIRED receipt', async () => {
    smsc.options.onSubmit = (submit) =>
      submit.text === 'refuse'
        ? { status: 0x0b }
        : submit.text === 'expire'
          ? { receipt: { stat: 'EXPIRED', err: '003' } }
          : undefined;
    const refused = await send({ to: '+254712345670', text: 'refuse' });
    const failed = await stored(refused, 'failed');
    expect(failed.history.find((event) => event.status === 'failed')?.detail).toMatchObject({
      smppStatusName: 'ESME_RINVDSTADR',
    });
    const expiring = await send({ to: '+254712345671', text: 'expire' });
    const expired = await stored(expiring, 'expired');
    expect(expired.history.find((event) => event.status === 'expired')?.detail).toMatchObject({
      stat: 'EXPIRED',
      err: '003',
    });
  });

  it('reconciles a receipt that arrives before the submit response', async () => {
    smsc.options.onSubmit = (submit) => (submit.text === 'race' ? { receiptFirst: true } : undefined);
    const id = await send({ to: '+254712345672', text: 'race' });
    await stored(id, 'delivered');
  });

  it('sends a message a route picks the SMPP channel for', async () => {
    const route = await fetch(`${ingress.url}/v1/routes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: '+25478', channels: [channel] }),
    });
    expect(route.status).toBe(201);
    // No channel named (undefined leaves the body): the route picks it.
    const id = await send({ channel: undefined, to: '+254780000001', text: 'routed over SMPP' });
    const message = await stored(id, 'delivered');
    expect(smsc.submits.filter((s) => s.text === 'routed over SMPP')).toHaveLength(1);
    expect(message.history.map((event) => event.status)).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivered']),
    );
  });
});
